// Scenario "paused": the sandbox paused through the JS API; no frame should follow.
import { command, note, snapshot, waitForApp } from './common.mjs';

export default async function prep(page) {
  await waitForApp(page);
  await command(page, { type: 'pause' });
  const snap = await snapshot(page);
  if (snap.playing) throw new Error('paused: still playing after {type:"pause"}');
  note('paused', `paused at ${snap.timeMs} ms`);
}
