// The space-time diagram and the rule panel (issue 12): the diagram scrubs with the
// timeline both ways and zooms, a click on a line selects the same message as a click
// on its dot, and in the Figure 8 scene a click on the leader's withheld commit gives its
// reason in the rule panel, with Figure 2's line marked, in both languages; on a phone
// the diagram is a tab of its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { command, snapshot, usePage } from './browser.mjs';

const suite = usePage(before, after);

/** The page position of a point of the diagram's canvas. */
async function onDiagram(page, x, y) {
  const box = await page.locator('#rv-diagram').boundingBox();
  return { x: box.x + x, y: box.y + y };
}

/** Where the diagram draws time `ms` and the centre of lane `i` (snapshot().diagram). */
const xOf = (d, ms) => d.left + ((ms - d.fromMs) / (d.toMs - d.fromMs)) * (d.right - d.left);
const yOf = (d, i) => d.top + d.laneHeight * (i + 0.5);

test('the diagram ends at the cursor, scrubbing either one moves the other, and it zooms', async () => {
  const { page, errors } = await suite.open('?mode=sandbox&seed=11&autoplay=0');
  await command(page, { type: 'seek', ms: 3000 });
  let s = await snapshot(page);
  assert.equal(s.diagram.toMs, 3000, 'the window ends at the cursor');
  assert.equal(s.diagram.fromMs, 2000, 'one second at first');
  assert.ok(s.diagram.laneHeight > 10 && s.diagram.right > s.diagram.left + 500);
  // The timeline's slider moves the diagram.
  await page.locator('#rv-scrub').fill('1500');
  s = await snapshot(page);
  assert.equal(Math.round(s.timeMs), 1500);
  assert.equal(Math.round(s.diagram.toMs), 1500);
  // Dragging the diagram to the right pulls earlier moments in: the cursor goes back
  // by the time the drag covers, and the slider shows it.
  const span = s.diagram.toMs - s.diagram.fromMs;
  const width = s.diagram.right - s.diagram.left;
  const start = await onDiagram(page, 400, 5);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 100, start.y, { steps: 5 });
  await page.mouse.up();
  s = await snapshot(page);
  const expected = 1500 - (100 * span) / width;
  assert.ok(Math.abs(s.timeMs - expected) < 2, `${s.timeMs} vs ${expected}`);
  assert.ok(Math.abs(Number(await page.locator('#rv-scrub').inputValue()) - s.timeMs) < 2);
  // The zoom buttons halve and double the span; the wheel zooms out when turned down.
  await page.click('[data-cmd="zoomIn"]');
  let d = (await snapshot(page)).diagram;
  assert.ok(Math.abs(d.toMs - d.fromMs - span / 2) < 1);
  await page.click('[data-cmd="zoomOut"]');
  const box = await page.locator('#rv-diagram').boundingBox();
  await page.mouse.move(box.x + 300, box.y + 40);
  await page.mouse.wheel(0, 200);
  d = (await snapshot(page)).diagram;
  assert.ok(d.toMs - d.fromMs > span * 1.2, `${d.toMs - d.fromMs} after the wheel`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a click on a line selects the same message as a click on its dot', async () => {
  const { page, errors } = await suite.open('?mode=sandbox&seed=5&autoplay=0');
  // A moment with messages in flight, drawn on the cluster.
  let s;
  for (let t = 2000; t < 3000; t += 3) {
    await command(page, { type: 'seek', ms: t });
    s = await snapshot(page);
    if (s.messages.some((m) => Number.isFinite(m.x) && m.from !== 'client' && m.to !== 'client')) break;
  }
  const m = s.messages.find((m) => Number.isFinite(m.x) && m.from !== 'client' && m.to !== 'client');
  assert.ok(m, 'a message in flight');
  const title = () => page.locator('#rv-insp-title').textContent();
  // Its dot on the cluster.
  const stage = await page.locator('#raft-canvas').boundingBox();
  await page.mouse.click(stage.x + m.x, stage.y + m.y);
  assert.equal(await title(), `Message #${m.id}`);
  const why = (await snapshot(page)).why;
  assert.ok(why && /^§5/.test(why.cite), 'a leader\'s or voter\'s message has its reason');
  await command(page, { type: 'select' });
  assert.equal(await title(), 'Inspector');
  // Its line on the diagram: from the sender's lane at its send to where it is now,
  // clicked near its far end.
  const d = s.diagram;
  const lane = (name) => name.charCodeAt(0) - 'A'.charCodeAt(0);
  const reach = (s.timeMs - m.sentMs) / (m.arriveMs - m.sentMs);
  const [x1, y1] = [xOf(d, m.sentMs), yOf(d, lane(m.from))];
  const [x2, y2] = [xOf(d, s.timeMs), y1 + (yOf(d, lane(m.to)) - y1) * reach];
  const at = await onDiagram(page, x1 + (x2 - x1) * 0.85, y1 + (y2 - y1) * 0.85);
  await page.mouse.click(at.x, at.y);
  assert.equal(await title(), `Message #${m.id}`);
  assert.deepEqual((await snapshot(page)).why, why, 'the same reason');
  assert.deepEqual(errors, []);
  await page.close();
});

/** The step of the Figure 8 scene after the new leader held index 2 back. */
const HELD_BACK_STEP = 7;

for (const lang of ['en', 'zh']) {
  test(`the Figure 8 scene's withheld commit, clicked in the diagram, gives its reason and marks Figure 2's rule (${lang})`, async () => {
    const { page, errors } = await suite.open(`?scene=figure-8&step=${HELD_BACK_STEP}&lang=${lang}`);
    if (lang === 'zh') {
      await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(window.raftviz.snapshot().tour.caption));
    }
    const d = (await snapshot(page)).diagram;
    // Along A's lane (the first), from "now" back: the first mark whose reason is the
    // current-term rule is the commit A held back.
    let s = null;
    for (let x = xOf(d, (await snapshot(page)).timeMs); x > d.left; x -= 2) {
      const at = await onDiagram(page, x, yOf(d, 0));
      await page.mouse.click(at.x, at.y);
      s = await snapshot(page);
      if (s.why?.rule === 'current-term-only') break;
    }
    assert.equal(s.why?.rule, 'current-term-only', 'a withheld commit on A\'s lane');
    assert.equal(s.why.cite, '§5.4.2');
    if (lang === 'en') {
      assert.match(s.why.text, /^Not committed: index 2 is on \d of \d servers but has term 2 < current term 4/);
    }
    // The rule panel: the reason, and Figure 2 (fetched when opened) with the rule's
    // line marked.
    const why = await page.locator('#rv-why').innerText();
    assert.ok(why.includes(s.why.cite) && why.includes(s.why.text), why);
    await page.click('#rv-fig2 > summary');
    await page.waitForSelector('#rv-fig2-body [data-lit]');
    const lit = await page.locator('#rv-fig2-body [data-lit]').allInnerTexts();
    assert.equal(lit.length, 1, `one rule marked: ${lit}`);
    assert.match(lit[0], lang === 'en' ? /log\[N\] has the current term/ : /当前 term/);
    await page.locator('#rv-rules').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${suite.shots}/figure-8-why-${lang}.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('an event selected through the API gives the reason its mark gives, and an unknown one is refused', async () => {
  const { page, errors } = await suite.open(`?scene=figure-8&step=${HELD_BACK_STEP}`);
  let found = null;
  for (let event = 0; event < 20_000 && !found; event += 1) {
    await command(page, { type: 'select', event });
    const { why } = await snapshot(page);
    if (why?.rule === 'current-term-only') found = why;
  }
  assert.ok(found, 'the withheld commit is an event of the history');
  assert.match(found.text, /^Not committed: index 2/);
  await assert.rejects(command(page, { type: 'select', event: 1e12 }), /no event 1000000000000 in the history/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the split vote in the diagram: the scene on one axis, filled in step by step', async () => {
  const { page, errors } = await suite.open('?scene=split-vote');
  const steps = (await snapshot(page)).tour.steps;
  const first = (await snapshot(page)).diagram;
  await command(page, { type: 'tour', scene: 'split-vote', step: steps });
  const last = (await snapshot(page)).diagram;
  assert.deepEqual([first.fromMs, first.toMs], [last.fromMs, last.toMs], 'one axis for the scene');
  // B's lane (the second) has the term-1 timeout and the term-2 one: two marks whose
  // reason is the election timeout.
  const timeouts = new Set();
  for (let x = last.left; x < last.right; x += 2) {
    const at = await onDiagram(page, x, yOf(last, 1));
    await page.mouse.click(at.x, at.y);
    const { why } = await snapshot(page);
    if (why?.rule === 'start-election' || why?.rule === 'election-timeout') timeouts.add(Math.round(x / 10));
  }
  assert.ok(timeouts.size >= 2, `B's timeouts: ${[...timeouts]}`);
  await command(page, { type: 'select' });
  await page.locator('#rv-diagram').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${suite.shots}/split-vote-diagram.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('on a phone the diagram is a tab of its own, and the run goes on under it', async () => {
  const { page, errors } = await suite.open('?mode=sandbox&seed=3', { width: 390, height: 844 }, 2);
  assert.equal(await page.locator('#rv-diagram').isVisible(), false);
  await page.click('label:has(#rv-view-diagram)');
  assert.equal(await page.locator('#rv-diagram').isVisible(), true);
  assert.equal(await page.locator('#raft-canvas').isVisible(), false);
  await command(page, { type: 'play' });
  const t0 = (await snapshot(page)).timeMs;
  await page.waitForTimeout(600);
  const s = await snapshot(page);
  assert.ok(s.playing && s.timeMs > t0, `${t0} → ${s.timeMs}`);
  await page.screenshot({ path: `${suite.shots}/diagram-phone.png` });
  await page.click('label:has(#rv-view-cluster)');
  assert.equal(await page.locator('#raft-canvas').isVisible(), true);
  assert.deepEqual(errors, []);
  await page.close();
});
