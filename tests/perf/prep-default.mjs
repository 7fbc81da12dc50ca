// Scenario "default": the page as a visitor gets it. Only waits for the app to start and
// checks that it animates by itself (touches nothing).
import { note, snapshot, waitForApp } from './common.mjs';

export default async function prep(page) {
  await waitForApp(page);
  const snap = await snapshot(page);
  if (!snap.playing) throw new Error('default: the page did not start playing by itself');
  note('default', `${snap.nodes.length} nodes, playing, speed ${snap.speed}`);
}
