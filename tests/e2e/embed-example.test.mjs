// The embedding example (www/embed-example.html): a plain blog post with three iframes
// pasted with the responsive snippet (full width, height from aspect-ratio, lazy): one
// step of a scene, the split vote, and a sandbox. Each loads what its URL asks for, fits
// its column, and only the ones on screen animate (the embedded page pauses itself).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { collectErrors, usePage } from './browser.mjs';

const suite = usePage(before, after);

async function open(viewport = { width: 1280, height: 800 }) {
  const context = await suite.browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${suite.server.url}embed-example.html`, { waitUntil: 'domcontentloaded' });
  return { page, errors, close: () => context.close() };
}

/** Each embed: its box, whether it is on screen, and what its raftviz says. */
function embeds(page) {
  return page.evaluate(() => [...document.querySelectorAll('iframe')].map((f, i) => {
    const r = f.getBoundingClientRect();
    let snap = null;
    try {
      const s = f.contentWindow?.raftviz?.snapshot?.();
      if (s) snap = { scene: s.scene, playing: s.playing, timeMs: s.timeMs, seed: s.seed, nodes: s.nodes.length };
    } catch {
      snap = null;
    }
    return { n: i + 1, src: f.getAttribute('src'), width: r.width, height: r.height, onScreen: r.bottom > 0 && r.top < innerHeight, snap };
  }));
}

async function scrollTo(page, n) {
  await page.evaluate((n) => document.querySelectorAll('iframe')[n - 1].scrollIntoView({ block: 'center' }), n);
  await page.waitForFunction((n) => document.querySelectorAll('iframe')[n - 1].contentWindow?.raftviz?.snapshot, n, { timeout: 20_000 });
  await page.waitForTimeout(900); // the embedded pages' observers see where they are
}

test('the example page\'s three embeds load with no errors, each showing what its URL asks for', async () => {
  const { page, errors, close } = await open();
  const html = await page.content();
  assert.ok(!/width="?720|height="?480/.test(html), 'no fixed 720×480 embeds');
  for (const n of [1, 2, 3]) await scrollTo(page, n);
  const [one, two, three] = await embeds(page);
  assert.match(one.src, /^\.\/\?scene=election&step=2&controls=minimal/);
  assert.equal(one.snap.scene, 'election');
  assert.match(two.src, /^\.\/\?scene=split-vote&controls=minimal/);
  assert.equal(two.snap.scene, 'split-vote');
  assert.match(three.src, /^\.\/\?mode=sandbox&nodes=5&seed=7&controls=minimal/);
  assert.equal(three.snap.scene, null, 'the sandbox plays no scene');
  assert.equal(three.snap.nodes, 5);
  assert.equal(three.snap.seed, '7');
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(suite.shots, 'embed-example.png') });
  await close();
});

test('not every embed is on screen at once: the text between them is taller than a viewport', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const { page, close } = await open(viewport);
    const tops = await page.evaluate(() => [...document.querySelectorAll('iframe')].map((f) => f.getBoundingClientRect().top + scrollY));
    assert.ok(tops[2] - tops[0] > viewport.height, `${viewport.width}px: ${tops.map(Math.round)}`);
    await close();
  }
});

test('each embed takes the column\'s full width and its height from a 16:10 aspect ratio, on a desktop and a phone', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const { page, close } = await open(viewport);
    const column = await page.evaluate(() => document.body.clientWidth - parseFloat(getComputedStyle(document.body).paddingLeft) * 2);
    for (const e of await embeds(page)) {
      assert.ok(Math.abs(e.width - column) < 2, `${viewport.width}px: embed ${e.n} is ${e.width}px wide in a ${column}px column`);
      assert.ok(Math.abs(e.height - (e.width * 10) / 16) < 2, `${viewport.width}px: embed ${e.n} is ${e.width}×${e.height}`);
    }
    await close();
  }
});

test('only the embeds on screen animate: the others keep their clocks still, and one scrolled back into view resumes', async () => {
  const { page, errors, close } = await open();
  for (const n of [1, 2, 3]) await scrollTo(page, n);
  // At the sandbox (the last embed): the two above are out of view.
  const a = await embeds(page);
  await page.waitForTimeout(800);
  const b = await embeds(page);
  assert.equal(b[2].onScreen, true);
  assert.ok(b[2].snap.timeMs > a[2].snap.timeMs, `the sandbox on screen runs: ${a[2].snap.timeMs} → ${b[2].snap.timeMs}`);
  for (const i of [0, 1]) {
    assert.equal(b[i].onScreen, false, `embed ${i + 1} is off screen`);
    assert.equal(b[i].snap.timeMs, a[i].snap.timeMs, `embed ${i + 1} off screen keeps still`);
  }
  // Back to the top: the sandbox stops, and resumes when it comes back.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(900);
  const c = await embeds(page);
  await page.waitForTimeout(800);
  const d = await embeds(page);
  assert.equal(d[2].onScreen, false);
  assert.equal(d[2].snap.timeMs, c[2].snap.timeMs, 'the sandbox off screen keeps still');
  await scrollTo(page, 3);
  const e = await embeds(page);
  await page.waitForTimeout(800);
  const f = await embeds(page);
  assert.ok(f[2].snap.timeMs > e[2].snap.timeMs, `the sandbox back on screen runs again: ${e[2].snap.timeMs} → ${f[2].snap.timeMs}`);
  assert.deepEqual(errors, []);
  await close();
});

test('an embed out of view reports snapshot().playing false, and true again back on screen (contract: the embedded page pauses itself)', async () => {
  const { page, close } = await open();
  await scrollTo(page, 3);
  const on = (await embeds(page))[2];
  assert.equal(on.snap.playing, true, 'the sandbox on screen plays');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(900);
  const off = (await embeds(page))[2];
  assert.equal(off.onScreen, false);
  assert.equal(off.snap.playing, false, 'the sandbox scrolled out of view still says playing');
  await scrollTo(page, 3);
  assert.equal((await embeds(page))[2].snap.playing, true, 'the sandbox back on screen plays again');
  await close();
});
