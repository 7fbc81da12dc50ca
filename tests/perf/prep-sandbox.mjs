// Scenario "sandbox" (?mode=sandbox): the free sandbox as it starts, animating by itself.
import { note, snapshot, waitForApp } from './common.mjs';

export default async function prep(page) {
  await waitForApp(page);
  const snap = await snapshot(page);
  if (snap.tour) throw new Error('sandbox: ?mode=sandbox opened the tour');
  if (!snap.playing) throw new Error('sandbox: the page did not start playing by itself');
  note('sandbox', `${snap.nodes.length} nodes, playing, speed ${snap.speed}`);
}
