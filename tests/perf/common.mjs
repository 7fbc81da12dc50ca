// Shared by the prep modules of scripts/measure.sh (loaded by page-cost.mjs through
// --prep, so only Node built-ins and relative imports here).

/**
 * Waits until the app has started (window.raftviz exists). Polls with a timer, not with
 * requestAnimationFrame (Playwright's default), so that the wait itself never shows up in
 * page-cost's frame counters or in its firstRafAfterLoadMs.
 */
export async function waitForApp(page) {
  await page.waitForFunction(
    () => window.raftviz && typeof window.raftviz.snapshot === 'function',
    null,
    { polling: 50, timeout: 30_000 },
  );
}

export const snapshot = (page) => page.evaluate(() => window.raftviz.snapshot());
export const command = (page, cmd) => page.evaluate((c) => window.raftviz.command(c), cmd);

/** A prep's progress line: stderr, because page-cost prints its JSON on stdout. */
export function note(scenario, text) {
  console.error(`  prep ${scenario}: ${text}`);
}
