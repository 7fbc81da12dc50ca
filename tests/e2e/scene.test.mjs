// A tour scene's cues belong to its timeline (issue 9): a fresh page that seeks inside
// a scene before playing it stays in the scene and shows what the cues made happen,
// and a scene's share link reopens the same moment.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { command, snapshot, usePage } from './browser.mjs';

const suite = usePage(before, after);

const open = suite.open;

test('seeking in the split vote before playing it keeps the scene: B and C are candidates at 160 ms (article: split vote)', async () => {
  const { page, errors } = await open('?scene=split-vote&autoplay=0');
  const snap = await page.evaluate(() => {
    window.raftviz.command({ type: 'seek', ms: 160 });
    return window.raftviz.snapshot();
  });
  assert.equal(snap.scene, 'split-vote', 'the page left the scene');
  assert.equal(snap.timeMs, 160);
  const roles = Object.fromEntries(snap.nodes.map((n) => [n.name, n.role]));
  assert.equal(roles.B, 'candidate', JSON.stringify(roles));
  assert.equal(roles.C, 'candidate', JSON.stringify(roles));
  assert.equal(snap.nodes[1].term, snap.nodes[2].term, 'B and C campaign in the same term');

  // Stepping back stays in the scene too.
  const back = await page.evaluate(() => {
    window.raftviz.command({ type: 'back' });
    return window.raftviz.snapshot();
  });
  assert.equal(back.scene, 'split-vote');

  // Its share link names the scene and the moment, and reopens it exactly.
  await page.evaluate(() => window.raftviz.command({ type: 'seek', ms: 160 }));
  await page.click('#rv-tour [data-cmd="share"]');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('scene'), 'split-vote', url.href);
  assert.equal(url.searchParams.get('at'), '160', url.href);
  const { page: copy, errors: copyErrors } = await open(url.search);
  const again = await copy.evaluate(() => window.raftviz.snapshot());
  assert.deepEqual(again.nodes, snap.nodes);
  assert.equal(again.scene, 'split-vote');
  assert.deepEqual([...errors, ...copyErrors], []);
  await page.close();
  await copy.close();
});
