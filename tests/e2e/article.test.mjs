// The article page (www/article.html): our own text in Chinese and English, with a live
// figure (an iframe of the main page at one tour step) where the source article has each
// of its 21 images. Figures load only near the viewport and unload far from it, and an
// embedded page pauses itself when it is out of view.
//
// The figures follow the embedding contract: ./?scene=ID&step=N&controls=minimal&lang=L&
// autoplay=1 opens the scene at step N-1's state, plays step N and pauses there. Tests
// that rely on a part the main page may not have yet say so in their names.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { collectErrors, usePage } from './browser.mjs';

const suite = usePage(before, after);

const FIGURES = 21;
const MAX_LIVE = 6;
const MEMORY_BUDGET = 64 * 1024 * 1024;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const hasChinese = (s) => /[\u4e00-\u9fff]/.test(s);
/** The requests for a figure: the main page with a scene (the article is article.html). */
const isFigureRequest = (url) => url.pathname.endsWith('/') && url.searchParams.has('scene');

async function open(query, { viewport = DESKTOP, locale, hold = false } = {}) {
  const context = await suite.browser.newContext({ viewport, locale, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = collectErrors(page);
  const held = [];
  if (hold) await page.route(isFigureRequest, (route) => held.push(route));
  // Not 'load': that would wait for the figures, which may be held.
  await page.goto(`${suite.server.url}article.html${query}`, { waitUntil: 'domcontentloaded' });
  const release = async () => {
    await page.unroute(isFigureRequest);
    await Promise.all(held.splice(0).map((r) => r.continue().catch(() => {})));
  };
  return { page, errors, held, release, close: () => context.close() };
}

/** Every figure: its attributes, its box, whether its iframe exists and what its raftviz says. */
function figureStates(page) {
  return page.evaluate(() => [...document.querySelectorAll('figure.live')].map((f, i) => {
    const frame = f.querySelector('iframe');
    const r = f.querySelector('.frame').getBoundingClientRect();
    let snap = null;
    try {
      const api = frame?.contentWindow?.raftviz;
      if (api && typeof api.snapshot === 'function') {
        const s = api.snapshot();
        snap = { scene: s.scene, playing: s.playing, timeMs: s.timeMs, tour: s.tour ?? null };
      }
    } catch (e) {
      snap = { error: String(e) };
    }
    return {
      n: i + 1,
      scene: f.dataset.scene,
      step: Number(f.dataset.step),
      loaded: Boolean(frame),
      src: frame?.getAttribute('src') ?? null,
      top: r.top,
      bottom: r.bottom,
      onScreen: r.bottom > 0 && r.top < innerHeight,
      // How far the box is from the viewport, in viewport heights (0 when on screen).
      away: Math.max(0, -r.bottom, r.top - innerHeight) / innerHeight,
      snap,
    };
  }));
}

/** Counts the figures' iframes on every change and keeps the highest count. */
function countLive(page) {
  return page.evaluate(() => {
    window.__maxLive = 0;
    const count = () => {
      window.__maxLive = Math.max(window.__maxLive, document.querySelectorAll('figure.live iframe').length);
    };
    new MutationObserver(count).observe(document.body, { childList: true, subtree: true });
    count();
  });
}

/** The JS heap (after a GC; same-origin iframes share the page's heap) and every live figure's wasm memory. */
async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  const wasm = await page.evaluate(async () => {
    let sum = 0;
    for (const frame of document.querySelectorAll('figure.live iframe')) {
      try {
        const init = frame.contentWindow?.wasmBindings?.default;
        if (typeof init !== 'function') continue;
        // The glue's init hands back the exports it already has.
        const exports = await Promise.race([init(), new Promise((ok) => setTimeout(ok, 1000, null))]);
        sum += exports?.memory?.buffer?.byteLength ?? 0;
      } catch {
        // a figure going away while measured
      }
    }
    return sum;
  });
  return { heap, wasm, total: heap + wasm };
}

// One scroll from the top of the page to the bottom, figure by figure, at 1280×800; the
// tests below each check one thing it saw. Run once, by the first test that needs it.
let scrollRun = null;
function scrollThrough() {
  scrollRun ??= (async () => {
    const { page, errors, close } = await open('?lang=en');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await countLive(page);
    const stops = [];
    for (let k = 0; k < FIGURES; k++) {
      await page.evaluate((k) => document.querySelectorAll('figure.live')[k].scrollIntoView({ block: 'center' }), k);
      const ready = await page
        .waitForFunction((k) => {
          const f = document.querySelectorAll('figure.live')[k];
          try {
            return f.querySelector('iframe')?.contentWindow?.raftviz?.snapshot?.().scene === f.dataset.scene;
          } catch {
            return false;
          }
        }, k, { timeout: 20_000, polling: 100 })
        .then(() => true, () => false);
      const loadedAt = await figureStates(page);
      // Let the embedded pages' observers see where they are, then watch their clocks.
      await page.waitForTimeout(800);
      const first = await figureStates(page);
      await page.waitForTimeout(700);
      const second = await figureStates(page);
      const mem = await memory(page, cdp);
      stops.push({ n: k + 1, ready, loadedAt, first, second, mem });
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
    // The figures' requests are held: everything below is there without them.
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
    assert.ok(held.length >= 1, 'the first figures asked for their page');
    assert.ok(held.every((r) => new URL(r.request().url()).searchParams.get('lang') === lang), 'figures in the page language');

    // Now let the figures come, and scroll through to see every one of them once.
    await release();
    await page.waitForFunction(() => document.querySelector('figure.live iframe')?.contentWindow?.raftviz?.snapshot, null, { timeout: 20_000 });
    for (let k = 0; k < FIGURES; k += 2) {
      await page.evaluate((k) => document.querySelectorAll('figure.live')[k].scrollIntoView({ block: 'center' }), k);
      await page.waitForTimeout(400);
    }
    await page.waitForTimeout(1500);
    assert.deepEqual(errors, []);
    await close();
  });
}

test('the language switch swaps the text, the live figures\' language and the address bar', async () => {
  const { page, errors, close } = await open('?lang=zh');
  const frame = () => page.evaluate(() => {
    const w = document.querySelector('figure.live iframe')?.contentWindow;
    return { ready: Boolean(w?.raftviz?.snapshot), lang: w?.document?.documentElement?.lang ?? null };
  });
  await page.waitForFunction(() => document.querySelector('figure.live iframe')?.contentWindow?.raftviz?.snapshot, null, { timeout: 20_000 });
  await page.locator('[data-set-lang="en"]').click();
  assert.equal(new URL(page.url()).searchParams.get('lang'), 'en');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(hasChinese(await page.locator('h1').innerText()), false);
  assert.equal(hasChinese(await page.locator('figure.live figcaption').first().innerText()), false);
  assert.equal(await page.locator('[data-set-lang="en"]').getAttribute('aria-current'), 'true');
  await page.waitForFunction(() => document.querySelector('figure.live iframe')?.contentWindow?.document?.documentElement?.lang === 'en', null, { timeout: 10_000 })
    .catch(async () => assert.fail(`the figure did not switch to English: ${JSON.stringify(await frame())}`));

  await page.locator('[data-set-lang="zh"]').click();
  assert.equal(new URL(page.url()).searchParams.get('lang'), 'zh');
  assert.equal(hasChinese(await page.locator('h1').innerText()), true);
  await page.waitForFunction(() => document.querySelector('figure.live iframe')?.contentWindow?.document?.documentElement?.lang === 'zh-CN', null, { timeout: 10_000 })
    .catch(async () => assert.fail(`the figure did not switch back to Chinese: ${JSON.stringify(await frame())}`));
  // A figure created after the switch comes in the new language.
  await page.evaluate(() => document.getElementById('fig-12').scrollIntoView({ block: 'center' }));
  await page.waitForFunction(() => document.querySelector('#fig-12 iframe'), null, { timeout: 10_000 });
  assert.equal(new URL(await page.locator('#fig-12 iframe').getAttribute('src'), page.url()).searchParams.get('lang'), 'zh');
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

test('scrolling top to bottom creates each figure\'s iframe near the viewport, with its scene and step in the URL, and its raftviz comes up on that scene', async () => {
  const { stops } = await scrollThrough();
  for (const s of stops) {
    const f = s.loadedAt[s.n - 1];
    assert.ok(f.loaded, `figure ${s.n} got its iframe when scrolled to`);
    const url = new URL(f.src, 'http://x/');
    assert.equal(url.pathname, '/', `figure ${s.n} embeds the main page by a relative URL: ${f.src}`);
    assert.ok(f.src.startsWith('./'), `relative: ${f.src}`);
    assert.equal(url.searchParams.get('scene'), f.scene);
    assert.equal(url.searchParams.get('step'), String(f.step));
    assert.equal(url.searchParams.get('controls'), 'minimal');
    assert.equal(url.searchParams.get('autoplay'), '1');
    assert.equal(url.searchParams.get('lang'), 'en');
    assert.ok(s.ready, `figure ${s.n}'s raftviz reports scene ${f.scene}: ${JSON.stringify(f.snap)}`);
  }
  // Figures ahead were created before they reached the screen (within a viewport).
  const early = stops.slice(0, -1).filter((s) => s.first.some((f) => f.loaded && !f.onScreen && f.top > 0));
  assert.ok(early.length > 0, 'some figure below the screen was already loading');
});

test(`figures far from the viewport are unloaded: never more than ${MAX_LIVE} iframes alive while scrolling`, async () => {
  const { stops, maxLive } = await scrollThrough();
  assert.ok(maxLive <= MAX_LIVE, `at most ${MAX_LIVE} alive, saw ${maxLive}`);
  for (const s of stops) {
    const far = s.second.filter((f) => f.loaded && f.away > 3.5).map((f) => `${f.n} (${f.away.toFixed(1)} vh)`);
    assert.deepEqual(far, [], `at figure ${s.n}, loaded figures more than ~3 viewports away`);
  }
  const last = stops.at(-1).second;
  assert.ok(last.slice(0, 10).every((f) => !f.loaded), 'at the bottom, the first figures are gone');
});

test('the live figures stay within 64 MB of JS heap and wasm memory in all', async () => {
  const { stops } = await scrollThrough();
  const worst = stops.reduce((a, s) => (s.mem.total > a.mem.total ? s : a));
  const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
  const live = worst.second.filter((f) => f.loaded).length;
  console.log(`# memory: worst at figure ${worst.n}: heap ${mb(worst.mem.heap)} + wasm ${mb(worst.mem.wasm)} = ${mb(worst.mem.total)} with ${live} live`);
  assert.ok(worst.mem.total <= MEMORY_BUDGET, `${mb(worst.mem.total)} at figure ${worst.n}`);
});

test('a loaded figure scrolled out of view stops its clock (the embedded page pauses itself)', async () => {
  const { stops } = await scrollThrough();
  const moving = [];
  let checked = 0;
  for (const s of stops) {
    for (const [i, a] of s.first.entries()) {
      const b = s.second[i];
      if (!a.loaded || !b.loaded || a.onScreen || b.onScreen || !a.snap?.scene || !b.snap?.scene) continue;
      if (a.src !== b.src) continue;
      checked++;
      if (b.snap.timeMs !== a.snap.timeMs) moving.push(`figure ${a.n} at stop ${s.n}: ${a.snap.timeMs} → ${b.snap.timeMs} ms`);
    }
  }
  assert.ok(checked > 10, `off-screen loaded figures seen: ${checked}`);
  assert.deepEqual(moving, []);
});

test('only the figures on screen play: a loaded figure out of view reports snapshot().playing false', async () => {
  const { stops } = await scrollThrough();
  const playing = [];
  for (const s of stops) {
    for (const f of s.second) {
      if (f.loaded && !f.onScreen && f.snap?.playing) playing.push(`figure ${f.n} at stop ${s.n} (${f.away.toFixed(1)} vh away)`);
    }
  }
  assert.deepEqual(playing, []);
});

test('the figure on screen animates: after it loads its clock moves, or it has already reached its step', async () => {
  const { stops } = await scrollThrough();
  const still = [];
  for (const s of stops) {
    const a = s.loadedAt[s.n - 1];
    const b = s.second[s.n - 1];
    if (!a.snap?.scene || !b.snap?.scene) {
      still.push(`figure ${s.n}: not ready`);
      continue;
    }
    const reached = b.snap.tour && b.snap.tour.step === b.step && !b.snap.playing;
    if (!(b.snap.timeMs > a.snap.timeMs || reached)) still.push(`figure ${s.n}: ${a.snap.timeMs} → ${b.snap.timeMs} ms`);
  }
  assert.deepEqual(still, []);
});

test('a figure plays its own step and pauses there: snapshot().tour names its scene and step (contract: step=, tour)', async () => {
  const { page, errors, close } = await open('?lang=en');
  const done = [];
  for (const id of ['fig-6', 'fig-10', 'fig-17', 'fig-20']) {
    await page.evaluate((id) => document.getElementById(id).scrollIntoView({ block: 'center' }), id);
    const got = await page
      .waitForFunction((id) => {
        const f = document.getElementById(id);
        try {
          const s = f.querySelector('iframe')?.contentWindow?.raftviz?.snapshot?.();
          const t = s?.tour;
          return t && t.scene === f.dataset.scene && t.step === Number(f.dataset.step) && !s.playing ? t : false;
        } catch {
          return false;
        }
      }, id, { timeout: 30_000, polling: 200 })
      .then((h) => h.jsonValue(), () => null);
    const last = await page.evaluate((id) => {
      const s = document.querySelector(`#${id} iframe`)?.contentWindow?.raftviz?.snapshot?.();
      return s && { scene: s.scene, playing: s.playing, timeMs: s.timeMs, tour: s.tour ?? null };
    }, id);
    done.push({ id, ok: Boolean(got), last });
  }
  assert.deepEqual(done.filter((d) => !d.ok), [], 'every figure paused at its step');
  assert.deepEqual(errors, []);
  await close();
});

test(`a quick scroll through the page on a 390×844 phone never keeps more than ${MAX_LIVE} figures alive, and leaves the first ones unloaded`, async () => {
  const { page, errors, close } = await open('?lang=zh', { viewport: PHONE });
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
  assert.ok(states.slice(0, 12).every((f) => !f.loaded), `loaded at the bottom: ${states.filter((f) => f.loaded).map((f) => f.n)}`);
  assert.ok(states.slice(-2).some((f) => f.loaded), 'the last figures are there');
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
