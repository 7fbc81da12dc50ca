// The rule behind a selection (issue 12, the rule panel's first part): selecting a node
// or a message gives `snapshot().why` = { rule, cite, text }, the rule of the paper that
// made it act and the values it compared, in the reader's language; the rule panel shows
// the same line. Nothing selected: `why` is null.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { command, snapshot, usePage } from './browser.mjs';

const suite = usePage(before, after);

for (const lang of ['en', 'zh']) {
  test(`a voter of the election says which checks its vote passed (§5.2, ${lang})`, async () => {
    // Step 3 of the election: B and C have voted for A in term 1.
    const { page, errors } = await suite.open(`?scene=election&step=3&lang=${lang}`);
    if (lang === 'zh') {
      await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(window.raftviz.snapshot().tour.caption));
    }
    assert.equal((await snapshot(page)).why, null, 'nothing selected');
    await command(page, { type: 'select', node: 'B' });
    const { why } = await snapshot(page);
    assert.equal(why.rule, 'vote-granted');
    assert.equal(why.cite, '§5.2');
    if (lang === 'en') {
      assert.equal(
        why.text,
        "Granted the vote: term 1 ≥ my term 1 ✓; no vote yet in term 1 ✓; A's log (last term 0, index 0) is at least as up-to-date as mine (0, 0) ✓",
      );
    } else {
      assert.match(why.text, /^投出选票：term 1 ≥ 我的 term 1 ✓/);
    }
    // The sandbox's rule panel shows the same reason for the same node.
    await command(page, { type: 'try' });
    await command(page, { type: 'pause' });
    await command(page, { type: 'select', node: 'B' });
    const shown = await snapshot(page);
    const lines = await page.locator('#rv-why').innerText();
    assert.ok(lines.includes(shown.why.cite) && lines.includes(shown.why.text), lines);
    await page.screenshot({ path: `${suite.shots}/why-${lang}.png` });
    await command(page, { type: 'select' });
    assert.equal((await snapshot(page)).why, null);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('scrubbing back with a node selected, the rule panel follows the cursor (§5.2)', async () => {
  const { page, errors } = await suite.open('?mode=sandbox&seed=5&autoplay=0');
  // A write after the election: A's latest reason becomes its part in it (§5.3).
  await command(page, { type: 'seek', ms: 1000 });
  await command(page, { type: 'set', value: 5 });
  await command(page, { type: 'seek', ms: 3000 });
  await command(page, { type: 'select', node: 'A' });
  const later = (await snapshot(page)).why;
  // Back before the write: A's latest reason then is its vote.
  await command(page, { type: 'seek', ms: 500 });
  const earlier = (await snapshot(page)).why;
  assert.notDeepEqual(earlier, later, 'a different moment, a different latest reason');
  // One frame to write the panel.
  await page.waitForFunction(
    (text) => document.querySelector('#rv-why').innerText.includes(text),
    earlier.text,
    { timeout: 5_000 },
  );
  assert.deepEqual(errors, []);
  await page.close();
});
