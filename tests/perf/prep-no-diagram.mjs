// Scenario "sandbox-no-diagram" (?mode=sandbox): the free sandbox as it starts, with the
// toolbar's Diagram box unticked: the space-time diagram hidden, for the side-by-side
// cost of drawing it (issue 12: at most 7 ms/s more than this).
import { note, snapshot, waitForApp } from './common.mjs';

export default async function prep(page) {
  await waitForApp(page);
  await page.uncheck('#rv-diagram-on');
  if (await page.locator('#rv-diagram').isVisible()) throw new Error('sandbox-no-diagram: the diagram still shows');
  const snap = await snapshot(page);
  if (!snap.playing) throw new Error('sandbox-no-diagram: the page did not start playing by itself');
  note('sandbox-no-diagram', `${snap.nodes.length} nodes, playing, diagram hidden`);
}
