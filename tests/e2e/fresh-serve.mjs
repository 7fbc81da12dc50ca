// Used by scripts/ci-serve-check.sh: opens the page that `./scripts/serve.sh` serves
// and waits until its cluster has a leader: `node tests/e2e/fresh-serve.mjs URL`.
// Not a test file of its own (no .test.mjs): it needs a running server.
import { launchBrowser, collectErrors } from './browser.mjs';

const url = process.argv[2];
if (!url) {
  console.error('usage: node tests/e2e/fresh-serve.mjs URL');
  process.exit(2);
}
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  // Real time: the default speed, 1/15, elects in a few seconds of watching.
  // The page opens on the tour (paused at its first step); the sandbox animates.
  await page.goto(`${url}?mode=sandbox`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.raftviz?.snapshot?.().leader, null, { timeout: 90_000 });
  const snap = await page.evaluate(() => window.raftviz.snapshot());
  if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
  console.log(`serve-check: the page shows ${snap.nodes.length} nodes and leader ${snap.leader} at ${snap.timeMs} ms`);
} catch (e) {
  console.error(`serve-check: FAILED: the served page shows no leader: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
