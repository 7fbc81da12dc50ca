// The guided tour in Chromium (issue 10): every scene and step opens by deep link in
// both languages; Next from a step reaches exactly the state the next step's deep link
// shows, and Back returns exactly to each earlier one; "try it yourself" keeps the
// cluster; a phone can swipe through a scene.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { collectErrors, usePage } from './browser.mjs';

const suite = usePage(before, after);

/** The page state that must match, without what differs by how one got there. */
function state(snap) {
  const { playing, live, ...rest } = snap;
  return rest;
}

async function goto(page, query) {
  await page.goto(`${suite.server.url}${query}`, { waitUntil: 'load' });
  // A scene beyond the article shows its caption once the appendix has arrived.
  await page.waitForFunction(() => {
    const s = window.raftviz?.snapshot?.();
    return s && (!s.tour || s.tour.caption);
  });
}

/** Runs a tour command and waits until the step has finished playing. */
async function tourCommand(page, type) {
  await page.evaluate((t) => window.raftviz.command({ type: t }), type);
  await page.waitForFunction(() => window.raftviz.snapshot().tour?.done, null, { timeout: 30_000 });
  return page.evaluate(() => window.raftviz.snapshot());
}

test('a scene beyond the article fetches its captions, in either language, and the article\'s tour does not', async () => {
  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  const fetched = [];
  page.on('response', (r) => r.ok() && fetched.push(new URL(r.url()).pathname));
  await goto(page, '?scene=heartbeat');
  assert.ok(!fetched.some((p) => p.endsWith('beyond.txt')), `the article's tour: ${fetched}`);
  // Going beyond the article from there: the caption comes with the appendix.
  await page.evaluate(() => window.raftviz.command({ type: 'tour', scene: 'crash' }));
  await page.waitForFunction(() => window.raftviz.snapshot().tour.caption, null, { timeout: 10_000 });
  assert.match(await page.textContent('#rv-caption'), /^A leads term \d+, and set 5 is committed/);
  for (const lang of ['en', 'zh']) {
    await goto(page, `?scene=figure-8&step=3&lang=${lang}`);
    const snap = await page.evaluate(() => window.raftviz.snapshot());
    assert.equal(snap.tour.scene, 'figure-8');
    assert.equal(await page.textContent('#rv-caption'), snap.tour.caption);
    assert.equal(/[\u4e00-\u9fff]/.test(snap.tour.caption), lang === 'zh', snap.tour.caption);
    assert.match(snap.tour.caption, lang === 'zh' ? /E/ : /^\(b\) A crashes/);
  }
  assert.ok(fetched.some((p) => p.endsWith('beyond.txt')), `fetched: ${fetched}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page opens on the tour: the article\'s first section, first step, with its caption (DESIGN: the tour)', async () => {
  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  await goto(page, '');
  const snap = await page.evaluate(() => window.raftviz.snapshot());
  assert.equal(snap.tour?.scene, 'consensus');
  assert.equal(snap.tour?.step, 1);
  const caption = await page.textContent('#rv-caption');
  assert.equal(caption, snap.tour.caption);
  assert.ok(caption.length > 10, caption);
  assert.equal(await page.getAttribute('#app', 'data-mode'), 'tour');
  assert.ok(await page.isVisible('#rv-mode-sandbox'), 'the Tour | Sandbox switch is visible');
  assert.ok(!(await page.isVisible('#rv-panel')), 'the sandbox panels are out of the way');
  const menu = await page.$$eval('#rv-menu optgroup', (gs) => gs.map((g) => g.label));
  assert.ok(menu.length >= 8, `chapter headings: ${menu}`);
  const scenes = await page.evaluate(() => window.raftviz.scenes());
  assert.equal(await page.$$eval('#rv-menu option', (o) => o.length), scenes.length);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const lang of ['en', 'zh']) {
  test(`every scene and step opens by deep link, and Next and Back go exactly between them (${lang})`, async () => {
    const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    await goto(page, `?lang=${lang}`);
    const scenes = await page.evaluate(() => window.raftviz.scenes());
    assert.ok(scenes.length >= 14, `${scenes.length} scenes`);
    for (const { id, steps } of scenes) {
      const deep = [];
      for (let step = 1; step <= steps; step++) {
        await goto(page, `?scene=${id}&step=${step}&lang=${lang}&speed=1`);
        const snap = await page.evaluate(() => window.raftviz.snapshot());
        assert.equal(snap.tour?.scene, id);
        assert.equal(snap.tour?.step, step, `${id} step ${step}`);
        assert.ok(snap.tour.done, `${id} step ${step} opens shown`);
        assert.ok(!snap.tour.caption.includes('{'), `placeholders filled: ${snap.tour.caption}`);
        if (lang === 'zh') {
          await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(window.raftviz.snapshot().tour.caption), null, { timeout: 10_000 });
        }
        deep.push(state(await page.evaluate(() => window.raftviz.snapshot())));
      }
      // From the first step: Next reaches each deep-linked state, Back returns.
      await goto(page, `?scene=${id}&step=1&lang=${lang}&speed=1`);
      if (lang === 'zh') {
        await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(window.raftviz.snapshot().tour.caption), null, { timeout: 10_000 });
      }
      for (let step = 2; step <= steps; step++) {
        const snap = await tourCommand(page, 'next');
        assert.deepEqual(state(snap), deep[step - 1], `${id}: Next to step ${step}`);
      }
      for (let step = steps - 1; step >= 1; step--) {
        const snap = await tourCommand(page, 'prev');
        assert.deepEqual(state(snap), deep[step - 1], `${id}: Back to step ${step}`);
      }
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the buttons and keys step through a scene; Back is at once (DESIGN: Back restores the exact earlier state)', async () => {
  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  await goto(page, '?scene=split-vote&speed=1');
  const first = await page.evaluate(() => window.raftviz.snapshot());
  await page.click('#rv-next');
  await page.waitForFunction(() => window.raftviz.snapshot().tour.step === 2 && window.raftviz.snapshot().tour.done, null, { timeout: 30_000 });
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.raftviz.snapshot().tour.step === 3 && window.raftviz.snapshot().tour.done, null, { timeout: 30_000 });
  assert.equal(await page.$$eval('#rv-dots [aria-current="step"]', (d) => d.length), 1);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  const back = await page.evaluate(() => window.raftviz.snapshot());
  assert.deepEqual(state(back), state(first));
  // A dot opens its step.
  await page.click('#rv-dots li:nth-child(3) button');
  assert.equal(await page.evaluate(() => window.raftviz.snapshot().tour.step), 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test('"Try it yourself" goes on in the sandbox from the same nodes, terms and logs, and the tour is one click away', async () => {
  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  await goto(page, '?scene=heartbeat&step=3');
  const before = await page.evaluate(() => window.raftviz.snapshot());
  await page.click('[data-cmd="try"]');
  const after = await page.evaluate(() => window.raftviz.snapshot());
  assert.equal(after.tour, null);
  assert.deepEqual(after.nodes, before.nodes);
  // The same messages, wherever the sandbox's wider layout draws their dots.
  const state = (list) => list.map(({ x, y, ...m }) => m);
  assert.deepEqual(state(after.messages), state(before.messages));
  assert.equal(await page.getAttribute('#app', 'data-mode'), 'sandbox');
  assert.ok(await page.isVisible('#rv-panel'));
  await page.click('#rv-mode-tour');
  const back = await page.evaluate(() => window.raftviz.snapshot());
  assert.equal(back.tour?.scene, 'heartbeat');
  assert.equal(back.tour?.step, 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a 390×844 touch screen swipes through a scene', async () => {
  const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await goto(page, '?scene=election&speed=1');
  const box = await page.locator('#raft-canvas').boundingBox();
  const y = box.y + box.height / 2;
  const swipe = async (from, to) => {
    await page.dispatchEvent('#raft-canvas', 'pointerdown', { pointerType: 'touch', clientX: from, clientY: y, isPrimary: true });
    await page.dispatchEvent('#raft-canvas', 'pointerup', { pointerType: 'touch', clientX: to, clientY: y, isPrimary: true });
  };
  await swipe(box.x + box.width * 0.8, box.x + box.width * 0.2);
  await page.waitForFunction(() => window.raftviz.snapshot().tour.step === 2 && window.raftviz.snapshot().tour.done, null, { timeout: 30_000 });
  await swipe(box.x + box.width * 0.2, box.x + box.width * 0.8);
  assert.equal(await page.evaluate(() => window.raftviz.snapshot().tour.step), 1);
  assert.deepEqual(errors, []);
  await context.close();
});
