// Launches Debian's chromium headless through playwright-core (which cannot download a
// browser here), with the flags TOOLCHAIN.md lists; root needs --no-sandbox.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { serveStatic } from './server.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.RAFT_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Records console errors and uncaught page errors (a wasm trap shows up as the latter). */
export function collectErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

/**
 * The set-up every browser test file shares: before its tests, serve the built dist/
 * (from `trunk build --release`) and launch Chromium; after them, close both. Returns
 * the live handles ({ server, browser } are set once `before` has run) and the folder
 * for screenshots.
 */
export function usePage(before, after) {
  const here = dirname(fileURLToPath(import.meta.url));
  const dist = join(here, '..', '..', 'dist');
  const suite = { server: null, browser: null, shots: join(here, 'screenshots') };
  before(async () => {
    if (!existsSync(join(dist, 'index.html'))) {
      throw new Error('dist/index.html missing: run `trunk build --release` first');
    }
    mkdirSync(suite.shots, { recursive: true });
    suite.server = await serveStatic(dist);
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  /**
   * Opens the served page at `query` in a new tab and waits for `window.raftviz`.
   * Returns the page and the console and page errors it collects.
   */
  suite.open = async (query = '', viewport = { width: 1280, height: 800 }, deviceScaleFactor = 1) => {
    const page = await suite.browser.newPage({ viewport, deviceScaleFactor });
    const errors = collectErrors(page);
    await page.goto(suite.server.url + query, { waitUntil: 'load' });
    await page.waitForFunction(() => window.raftviz && typeof window.raftviz.snapshot === 'function', null, { timeout: 15_000 });
    return { page, errors };
  };
  return suite;
}

/** `window.raftviz.snapshot()` of `page`. */
export const snapshot = (page) => page.evaluate(() => window.raftviz.snapshot());

/** `window.raftviz.command(c)` in `page`: resolves to its result, rejects with its Error. */
export const command = (page, c) => page.evaluate((c) => window.raftviz.command(c), c);
