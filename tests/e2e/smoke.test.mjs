// Smoke test: the built site (dist/, from `trunk build --release`) loads in headless
// Chromium, draws the cluster on its canvas, shows its controls and the JS API, and
// reports no errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { collectErrors, usePage } from './browser.mjs';

const suite = usePage(before, after);
const shots = suite.shots;

test('the page loads, draws the cluster with its controls and JS API, and logs no errors', async () => {
  const page = await suite.browser.newPage({ viewport: { width: 960, height: 640 }, deviceScaleFactor: 2 });
  const errors = collectErrors(page);
  const failed = [];
  page.on('requestfailed', (req) => failed.push(`${req.url()}: ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) failed.push(`${res.url()}: HTTP ${res.status()}`);
  });

  await page.goto(`${suite.server.url}?mode=sandbox`, { waitUntil: 'load' });
  const canvas = page.locator('canvas#raft-canvas');
  await canvas.waitFor({ state: 'visible' });
  // The wasm module sizes the backing store for devicePixelRatio once it has started.
  await page.waitForFunction(() => {
    const c = document.querySelector('canvas#raft-canvas');
    return c && c.width === Math.round(c.getBoundingClientRect().width * devicePixelRatio);
  }, null, { timeout: 15_000 });

  const info = await page.evaluate(() => {
    const c = document.querySelector('canvas#raft-canvas');
    const rect = c.getBoundingClientRect();
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) colours.add(data.slice(i, i + 4).join(','));
    return {
      cssWidth: rect.width,
      cssHeight: rect.height,
      width: c.width,
      height: c.height,
      dpr: devicePixelRatio,
      colours: colours.size,
      errorShown: !document.getElementById('raft-error')?.hidden,
    };
  });

  assert.ok(info.cssWidth > 0 && info.cssHeight > 0, `canvas has no CSS size: ${JSON.stringify(info)}`);
  assert.equal(info.dpr, 2);
  assert.equal(info.width, Math.round(info.cssWidth * 2), 'backing width follows devicePixelRatio');
  assert.equal(info.height, Math.round(info.cssHeight * 2), 'backing height follows devicePixelRatio');
  assert.ok(info.colours > 2, `the canvas looks blank (${info.colours} colours)`);
  assert.equal(info.errorShown, false, 'the page shows an error');

  // The real page: five nodes through the JS API, the toolbar, the safety badges.
  const snap = await page.evaluate(() => window.raftviz.snapshot());
  assert.equal(snap.nodes.length, 5);
  assert.deepEqual(snap.nodes.map((n) => n.name), ['A', 'B', 'C', 'D', 'E']);
  assert.equal(typeof (await page.evaluate(() => window.raftviz.version)), 'string');
  await page.locator('#rv-play').waitFor({ state: 'visible' });
  await page.locator('#rv-speed').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#rv-badges li').count(), 6, 'six safety badges');

  await page.screenshot({ path: join(shots, 'smoke.png') });

  assert.deepEqual(failed, [], 'every request succeeds');
  assert.deepEqual(errors, [], 'no console errors or page errors');
  await page.close();
});

test('the canvas follows the dark colour scheme and refits when the window resizes', async () => {
  const page = await suite.browser.newPage({ viewport: { width: 800, height: 600 }, colorScheme: 'dark' });
  const errors = collectErrors(page);
  await page.goto(`${suite.server.url}?mode=sandbox`, { waitUntil: 'load' });
  const fitted = () => page.waitForFunction(() => {
    const c = document.querySelector('canvas#raft-canvas');
    const r = c.getBoundingClientRect();
    return c.width === Math.round(r.width * devicePixelRatio) && c.height === Math.round(r.height * devicePixelRatio);
  }, null, { timeout: 15_000 });
  await fitted();

  // The top-left corner is canvas background (the nodes and text sit away from it).
  const corner = () => page.evaluate(() => {
    const c = document.querySelector('canvas#raft-canvas');
    const [r, g, b] = c.getContext('2d').getImageData(2, 2, 1, 1).data;
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  });
  assert.ok((await corner()) < 80, 'dark scheme: dark canvas background');

  const before = await page.evaluate(() => document.querySelector('canvas#raft-canvas').width);
  await page.setViewportSize({ width: 420, height: 700 });
  await fitted();
  const afterWidth = await page.evaluate(() => document.querySelector('canvas#raft-canvas').width);
  assert.ok(afterWidth < before, `canvas refits on resize (${before} -> ${afterWidth})`);
  await page.screenshot({ path: join(shots, 'smoke-dark-narrow.png') });

  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 430, height: 700 }); // a redraw reads the theme again
  await fitted();
  assert.ok((await corner()) > 200, 'light scheme: light canvas background');

  assert.deepEqual(errors, [], 'no console errors or page errors');
  await page.close();
});
