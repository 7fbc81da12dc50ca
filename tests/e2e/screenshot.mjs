// Remakes the README's picture, docs/screenshot.png, from the release build in dist/
// (`trunk build --release` first): `node tests/e2e/screenshot.mjs [OUT.png]`.
// A 1280×800 sandbox, seed 42, paused: at 400 ms (a leader is elected by then) the
// client writes `set 5`, the picture is taken at 800 ms with node B selected, so the
// same build always gives the same picture.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { collectErrors, launchBrowser } from './browser.mjs';
import { serveStatic } from './server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = process.argv[2] ?? join(root, 'docs', 'screenshot.png');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'index.html'))) {
  console.error('screenshot: dist/index.html missing: run `trunk build --release` first');
  process.exit(1);
}
const server = await serveStatic(dist);
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  await page.goto(`${server.url}?seed=42&autoplay=0&theme=light`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.raftviz?.snapshot);
  const snap = await page.evaluate(() => {
    window.raftviz.command({ type: 'seek', ms: 400 });
    window.raftviz.command({ type: 'set', value: 5 });
    window.raftviz.command({ type: 'seek', ms: 800 });
    window.raftviz.command({ type: 'select', node: 'B' });
    return window.raftviz.snapshot();
  });
  if (!snap.leader || !snap.nodes.every((n) => n.value === 5)) {
    throw new Error(`the picture would not show a committed set 5: ${JSON.stringify(snap.nodes.map((n) => n.value))}`);
  }
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
  if (errors.length) throw new Error(errors.join('; '));
  console.log(`screenshot: ${out}`);
} finally {
  await browser.close();
  await server.close();
}
