// The article page (www/article.html): our own text in Chinese and English, with a live
// figure where the source article has each of its 21 images. One wasm instance draws them
// all (crates/raft-viz/src/web/figures.rs): a figure comes to life near the viewport (its
// canvas, Back / Replay / Next, a scrubber over its step and the step's caption), is
// dropped far from it, and plays only while half of it is on the screen.
//
// A figure <figure class="live" data-scene=ID data-step=N> opens at step N-1's state,
// plays step N and pauses there. window.raftfigures.snapshot() reports every figure.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { collectErrors, usePage } from './browser.mjs';

const suite = usePage(before, after);

const FIGURES = 21;
/** Figures alive at once: those within a viewport of the screen (a few). */
const MAX_LIVE = 8;
const MEMORY_BUDGET = 64 * 1024 * 1024;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const hasChinese = (s) => /[\u4e00-\u9fff]/.test(s);
/** The request for the wasm, which every figure waits for. */
const isWasmRequest = (url) => url.pathname.endsWith('_bg.wasm');

async function open(query, { viewport = DESKTOP, locale, hold = false } = {}) {
  const context = await suite.browser.newContext({ viewport, locale, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = collectErrors(page);
  const held = [];
  if (hold) await page.route(isWasmRequest, (route) => held.push(route));
  // Not 'load': that would wait for the wasm, which may be held.
  await page.goto(`${suite.server.url}article.html${query}`, { waitUntil: 'domcontentloaded' });
  const release = async () => {
    await page.unroute(isWasmRequest);
    await Promise.all(held.splice(0).map((r) => r.continue().catch(() => {})));
  };
  return { page, errors, held, release, close: () => context.close() };
}

const ready = (page) => page.waitForFunction(() => window.raftfigures?.snapshot, null, { timeout: 20_000 });

/** Every figure: its box, and what raftfigures says of it. */
function figureStates(page) {
  return page.evaluate(() => {
    const snap = window.raftfigures?.snapshot() ?? [];
    return [...document.querySelectorAll('figure.live')].map((f, i) => {
      const r = f.querySelector('.frame').getBoundingClientRect();
      const s = snap[i] ?? {};
      return {
        n: i + 1,
        scene: f.dataset.scene,
        step: Number(f.dataset.step),
        canvas: Boolean(f.querySelector('canvas')),
        top: r.top,
        bottom: r.bottom,
        onScreen: r.bottom > 0 && r.top < innerHeight,
        // How far the box is from the viewport, in viewport heights (0 when on screen).
        away: Math.max(0, -r.bottom, r.top - innerHeight) / innerHeight,
        ...s,
      };
    });
  });
}

/** Counts the live figures (their canvases) on every change and keeps the highest count. */
function countLive(page) {
  return page.evaluate(() => {
    window.__maxLive = 0;
    const count = () => {
      window.__maxLive = Math.max(window.__maxLive, document.querySelectorAll('figure.live canvas').length);
    };
    new MutationObserver(count).observe(document.body, { childList: true, subtree: true });
    count();
  });
}

/** The JS heap (after a GC) and the one wasm instance's memory. */
async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  const wasm = await page.evaluate(() => window.raftfigures?.memoryBytes() ?? 0);
  return { heap, wasm, total: heap + wasm };
}

// One scroll from the top of the page to the bottom, figure by figure, at 1280×800; the
// tests below each check one thing it saw. Run once, by the first test that needs it.
let scrollRun = null;
function scrollThrough() {
  scrollRun ??= (async () => {
    const { page, errors, close } = await open('?lang=en');
    await ready(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await countLive(page);
    const stops = [];
    for (let k = 0; k < FIGURES; k++) {
      await page.evaluate((k) => document.querySelectorAll('figure.live')[k].scrollIntoView({ block: 'center' }), k);
      const live = await page
        .waitForFunction((k) => window.raftfigures.snapshot()[k]?.inView, k, { timeout: 10_000, polling: 50 })
        .then(() => true, () => false);
      const loadedAt = await figureStates(page);
      await page.waitForTimeout(800);
      const first = await figureStates(page);
      await page.waitForTimeout(700);
      const second = await figureStates(page);
      const mem = await memory(page, cdp);
      stops.push({ n: k + 1, live, loadedAt, first, second, mem });
    }
    const maxLive = await page.evaluate(() => window.__maxLive);
    await page.screenshot({ path: join(suite.shots, 'article-bottom.png') });
    await close();
    return { stops, maxLive, errors };
  })();
  return scrollRun;
}

for (const lang of ['zh', 'en']) {
  test(`the article loads with ?lang=${lang} with no console or page error, its text in place before any figure loads`, async () => {
    const { page, errors, held, release, close } = await open(`?lang=${lang}`, { hold: true });
    // The wasm is held: everything below is there without it.
    const text = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      h1: document.querySelector('h1').innerText,
      h2: [...document.querySelectorAll('h2')].map((h) => h.innerText),
      words: document.querySelector('article').innerText.length,
      figures: [...document.querySelectorAll('figure.live')].map((f) => ({
        scene: f.dataset.scene,
        step: f.dataset.step,
        caption: f.querySelector('figcaption').innerText.trim(),
        height: f.querySelector('.frame').getBoundingClientRect().height,
      })),
      back: [...document.querySelectorAll('a')].some((a) => a.getAttribute('href') === './'),
      credit: [...document.querySelectorAll('a')].some((a) => a.href === 'http://www.flydean.com/understand-raft-protocol/'),
    }));
    assert.equal(text.lang, lang === 'zh' ? 'zh-CN' : 'en');
    assert.equal(hasChinese(text.h1), lang === 'zh', text.h1);
    if (lang === 'en') assert.ok(text.h2.every((h) => !hasChinese(h)), `English headings: ${text.h2}`);
    if (lang === 'zh') assert.ok(text.h2.filter(hasChinese).length >= 8, `Chinese headings: ${text.h2}`);
    const body = await page.locator('article').innerText();
    const terms = lang === 'zh'
      ? ['Follower', 'Candidate', 'Leader', 'term', '选举timeout', '心跳timeout', 'commit', 'n/2']
      : ['follower', 'candidate', 'leader', 'term', 'election timeout', 'heartbeat timeout', 'commit', 'n/2'];
    for (const t of terms) assert.ok(body.toLowerCase().includes(t.toLowerCase()), `the text names ${t}`);
    assert.ok(text.h2.length >= 10, `the article's sections: ${text.h2.length}`);
    assert.ok(text.words > 3000, `the text is there: ${text.words} characters`);
    assert.equal(text.figures.length, FIGURES);
    for (const [i, f] of text.figures.entries()) {
      assert.ok(f.scene && Number(f.step) >= 1, `figure ${i + 1} names a scene and a step`);
      assert.ok(f.caption.length > 8, `figure ${i + 1} has a caption`);
      assert.equal(hasChinese(f.caption), lang === 'zh', `figure ${i + 1}'s caption is in ${lang}: ${f.caption}`);
      assert.ok(f.height > 150, `figure ${i + 1}'s box is reserved: ${f.height}px`);
    }
    assert.ok(text.back, 'a link back to the main page (./)');
    assert.ok(text.credit, 'a credit line linking to the source article');
    for (let t = 0; t < 50 && held.length === 0; t++) await page.waitForTimeout(100);
    assert.equal(held.length, 1, 'one wasm for all the figures');

    // Now let the figures come, and scroll through to see every one of them once: each
    // shows its step's caption in the page's language.
    await release();
    await ready(page);
    const captions = [];
    for (let k = 0; k < FIGURES; k++) {
      await page.evaluate((k) => document.querySelectorAll('figure.live')[k].scrollIntoView({ block: 'center' }), k);
      const caption = await page
        .waitForFunction((k) => window.raftfigures.snapshot()[k]?.caption, k, { timeout: 10_000, polling: 50 })
        .then((h) => h.jsonValue(), () => '');
      captions.push(caption);
    }
    const wrong = captions.map((c, i) => [i + 1, c]).filter(([, c]) => !c || hasChinese(c) !== (lang === 'zh'));
    assert.deepEqual(wrong, [], `every figure's step caption in ${lang}`);
    assert.deepEqual(errors, []);
    await close();
  });
}

test('the language switch swaps the text, the live figures\' captions and the address bar', async () => {
  const { page, errors, close } = await open('?lang=zh');
  await ready(page);
  const firstCaption = () => page.evaluate(() => window.raftfigures.snapshot().find((f) => f.live)?.caption ?? '');
  await page.waitForFunction(() => window.raftfigures.snapshot().some((f) => f.live && /[\u4e00-\u9fff]/.test(f.caption)), null, { timeout: 10_000 });
  await page.locator('[data-set-lang="en"]').click();
  assert.equal(new URL(page.url()).searchParams.get('lang'), 'en');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(hasChinese(await page.locator('h1').innerText()), false);
  assert.equal(hasChinese(await page.locator('figure.live figcaption').first().innerText()), false);
  assert.equal(await page.locator('[data-set-lang="en"]').getAttribute('aria-current'), 'true');
  assert.equal(hasChinese(await firstCaption()), false, await firstCaption());
  assert.equal(hasChinese(await page.locator('.fig-caption').first().innerText()), false);

  await page.locator('[data-set-lang="zh"]').click();
  assert.equal(new URL(page.url()).searchParams.get('lang'), 'zh');
  assert.equal(hasChinese(await page.locator('h1').innerText()), true);
  assert.equal(hasChinese(await firstCaption()), true, await firstCaption());
  // A figure that comes to life after the switch comes in the new language.
  await page.evaluate(() => document.getElementById('fig-12').scrollIntoView({ block: 'center' }));
  const c12 = await page
    .waitForFunction(() => window.raftfigures.snapshot()[11]?.caption, null, { timeout: 10_000 })
    .then((h) => h.jsonValue());
  assert.ok(hasChinese(c12), c12);
  assert.deepEqual(errors, []);
  await close();
});

test('without ?lang= the article follows the browser: Chinese for zh-CN, English for en-US', async () => {
  for (const [locale, want] of [['zh-CN', 'zh-CN'], ['en-US', 'en']]) {
    const { page, close } = await open('', { locale });
    assert.equal(await page.evaluate(() => document.documentElement.lang), want, locale);
    assert.equal(hasChinese(await page.locator('h1').innerText()), want === 'zh-CN', locale);
    await close();
  }
});

test('scrolling top to bottom brings each figure to life near the viewport, on its scene and step', async () => {
  const { stops } = await scrollThrough();
  for (const s of stops) {
    const f = s.loadedAt[s.n - 1];
    assert.ok(s.live && f.live && f.canvas, `figure ${s.n} came to life when scrolled to: ${JSON.stringify(f)}`);
    assert.equal(f.tourScene, f.scene, `figure ${s.n} is on its scene`);
    assert.equal(f.tourStep, f.step, `figure ${s.n} is on its step`);
  }
  // Figures ahead came to life before they reached the screen (within a viewport).
  const early = stops.slice(0, -1).filter((s) => s.first.some((f) => f.live && !f.onScreen && f.top > 0));
  assert.ok(early.length > 0, 'some figure below the screen was already alive');
});

test(`figures far from the viewport are dropped: never more than ${MAX_LIVE} alive while scrolling`, async () => {
  const { stops, maxLive } = await scrollThrough();
  assert.ok(maxLive <= MAX_LIVE, `at most ${MAX_LIVE} alive, saw ${maxLive}`);
  for (const s of stops) {
    const far = s.second.filter((f) => (f.live || f.canvas) && f.away > 1.5).map((f) => `${f.n} (${f.away.toFixed(1)} vh)`);
    assert.deepEqual(far, [], `at figure ${s.n}, live figures more than a viewport away`);
  }
  const last = stops.at(-1).second;
  assert.ok(last.slice(0, 10).every((f) => !f.live && !f.canvas), 'at the bottom, the first figures are gone');
});

test('the live figures stay within 64 MB of JS heap and wasm memory in all', async () => {
  const { stops } = await scrollThrough();
  const worst = stops.reduce((a, s) => (s.mem.total > a.mem.total ? s : a));
  const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
  const live = worst.second.filter((f) => f.live).length;
  console.log(`# memory: worst at figure ${worst.n}: heap ${mb(worst.mem.heap)} + wasm ${mb(worst.mem.wasm)} = ${mb(worst.mem.total)} with ${live} live`);
  assert.ok(worst.mem.wasm > 0, 'the wasm memory is measured');
  assert.ok(worst.mem.total <= MEMORY_BUDGET, `${mb(worst.mem.total)} at figure ${worst.n}`);
});

test('a live figure out of view stands still: its clock does not move', async () => {
  const { stops } = await scrollThrough();
  const moving = [];
  let checked = 0;
  for (const s of stops) {
    for (const [i, a] of s.first.entries()) {
      const b = s.second[i];
      if (!a.live || !b.live || a.inView || b.inView) continue;
      checked++;
      if (b.atMs !== a.atMs) moving.push(`figure ${a.n} at stop ${s.n}: ${a.atMs} → ${b.atMs} ms`);
    }
  }
  assert.ok(checked > 10, `off-screen live figures seen: ${checked}`);
  assert.deepEqual(moving, []);
});

test('the figure on screen animates: its clock moves, or it has already reached its step', async () => {
  const { stops } = await scrollThrough();
  const still = [];
  for (const s of stops) {
    const a = s.loadedAt[s.n - 1];
    const b = s.second[s.n - 1];
    if (!(b.atMs > a.atMs || b.done)) still.push(`figure ${s.n}: ${a.atMs} → ${b.atMs} ms`);
  }
  assert.deepEqual(still, []);
});

test('a figure plays its own step and pauses exactly there; Replay plays it again, the scrubber seeks within it, Back and Next step', async () => {
  const { page, errors, close } = await open('?lang=en');
  await ready(page);
  const snap = (i) => page.evaluate((i) => window.raftfigures.snapshot()[i], i);
  const doneAt = (i) => page
    .waitForFunction((i) => {
      const s = window.raftfigures.snapshot()[i];
      return s?.done && s.tourStep === s.step ? s : false;
    }, i, { timeout: 30_000, polling: 100 })
    .then((h) => h.jsonValue(), () => null);
  for (const id of ['fig-6', 'fig-10', 'fig-17', 'fig-20']) {
    await page.evaluate((id) => document.getElementById(id).scrollIntoView({ block: 'center' }), id);
    const i = Number(id.slice(4)) - 1;
    assert.ok(await doneAt(i), `${id} paused at its step: ${JSON.stringify(await snap(i))}`);
  }
  // Figure 17 (the split vote's second picture), back on the screen: Replay starts the
  // step over.
  const i = 16;
  await page.evaluate(() => document.getElementById('fig-17').scrollIntoView({ block: 'center' }));
  assert.ok(await doneAt(i), 'figure 17 came back to life and played its step');
  const end = (await snap(i)).atMs;
  await page.locator('#fig-17 .fig-replay').click();
  const replayed = await snap(i);
  assert.ok(replayed.atMs < end && replayed.playing, `Replay went back to the step's start: ${JSON.stringify(replayed)}`);
  assert.ok(await doneAt(i), 'and played to its end again');
  // Back shows the previous step at once; Next plays on to this one.
  await page.locator('#fig-17 .fig-back').click();
  const back = await snap(i);
  assert.equal(back.tourStep, 1, `Back: step ${back.tourStep}`);
  assert.equal(back.done, true);
  await page.locator('#fig-17 .fig-next').click();
  assert.ok(await doneAt(i), 'Next played to the figure\'s step');
  // The scrubber: halfway through the step, paused there.
  const half = await page.evaluate(() => {
    const r = document.querySelector('#fig-17 .fig-scrub');
    const v = Math.round((Number(r.min) + Number(r.max)) / 2);
    r.value = String(v);
    r.dispatchEvent(new Event('input', { bubbles: true }));
    return v;
  });
  const scrubbed = await snap(i);
  assert.equal(Math.round(scrubbed.atMs), half, JSON.stringify(scrubbed));
  assert.equal(scrubbed.done, false);
  assert.deepEqual(errors, []);
  await close();
});

test(`a quick scroll through the page on a 390×844 phone never keeps more than ${MAX_LIVE} figures alive, and leaves the first ones dropped`, async () => {
  const { page, errors, close } = await open('?lang=zh', { viewport: PHONE });
  await ready(page);
  await countLive(page);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0; y < height; y += 420) {
    await page.evaluate((y) => window.scrollTo(0, y), y);
    await page.waitForTimeout(120);
  }
  await page.waitForTimeout(800);
  const maxLive = await page.evaluate(() => window.__maxLive);
  const states = await figureStates(page);
  assert.ok(maxLive <= MAX_LIVE, `at most ${MAX_LIVE} alive, saw ${maxLive}`);
  assert.ok(states.slice(0, 12).every((f) => !f.live), `alive at the bottom: ${states.filter((f) => f.live).map((f) => f.n)}`);
  assert.ok(states.slice(-2).some((f) => f.live), 'the last figures are there');
  assert.deepEqual(errors, []);
  await close();
});

test('on a 390×844 phone the article fits the width, with readable type and figures in a tall box', async () => {
  for (const lang of ['zh', 'en']) {
    const { page, close } = await open(`?lang=${lang}`, { viewport: PHONE, hold: true });
    const m = await page.evaluate(() => {
      const p = document.querySelector('article > p:not(.sub):not([hidden])');
      const visible = [...document.querySelectorAll('article > p')].find((e) => e.offsetParent !== null);
      const box = document.querySelector('figure.live .frame').getBoundingClientRect();
      return {
        scrollWidth: document.documentElement.scrollWidth,
        font: parseFloat(getComputedStyle(visible ?? p).fontSize),
        ratio: box.height / box.width,
        width: box.width,
      };
    });
    assert.ok(m.scrollWidth <= 390, `${lang}: no horizontal scroll (${m.scrollWidth}px)`);
    assert.ok(m.font >= 16, `${lang}: body text ${m.font}px`);
    assert.ok(m.ratio >= 0.99, `${lang}: the figure's box is at least square on a phone (${m.ratio.toFixed(2)})`);
    assert.ok(m.width >= 350, `${lang}: the figure uses the width (${m.width}px)`);
    await page.screenshot({ path: join(suite.shots, `article-phone-${lang}.png`) });
    await close();
  }
});

test('on a desktop the reading column holds at most ~65 characters a line in English and ~40 in Chinese, in ~18px type', async () => {
  for (const [lang, most] of [['en', 68], ['zh', 38]]) {
    const { page, close } = await open(`?lang=${lang}`, { hold: true });
    const m = await page.evaluate(() => {
      const ps = [...document.querySelectorAll('article > p')].filter((e) => e.offsetParent !== null).slice(0, 6);
      let longest = 0;
      for (const p of ps) {
        const lines = new Map();
        const walk = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        for (let t = walk.nextNode(); t; t = walk.nextNode()) {
          for (let i = 0; i < t.length; i++) {
            const r = document.createRange();
            r.setStart(t, i);
            r.setEnd(t, i + 1);
            const rect = r.getClientRects()[0];
            if (!rect) continue;
            const y = Math.round(rect.top);
            // A Chinese character counts as one; Latin letters and spaces, being about
            // half as wide, as half (so ~65 English characters or ~36 Chinese a line).
            const wide = t.data.charCodeAt(i) >= 0x2e80;
            lines.set(y, (lines.get(y) ?? 0) + (wide || document.documentElement.lang === 'en' ? 1 : 0.5));
          }
        }
        longest = Math.max(longest, ...lines.values());
      }
      return { longest, font: parseFloat(getComputedStyle(ps[0]).fontSize) };
    });
    assert.ok(m.longest <= most, `${lang}: ${m.longest} characters on the longest line`);
    assert.ok(m.font >= 17 && m.font <= 19, `${lang}: ${m.font}px`);
    await close();
  }
});
