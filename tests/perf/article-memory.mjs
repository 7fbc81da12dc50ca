// The article page's memory while a reader scrolls it from top to bottom in 30 s (run by
// scripts/measure.sh; budget: JS heap plus the wasm memory of all figures ≤ 64 MB).
// Every second: the page's JS heap (CDP Performance.getMetrics, after a forced GC) plus
// the linear memory of the one wasm instance that draws every figure
// (raftfigures.memoryBytes()), and how many figures are alive. Prints the peak and the
// figures seen.
//
//   node tests/perf/article-memory.mjs --dist DIR [--out FILE]
import { writeFileSync } from 'node:fs';
import { serveStatic } from '../e2e/server.mjs';
import { launchBrowser } from '../e2e/browser.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (i % 2 ? a : [...a, [v.replace(/^--/, ''), all[i + 1]]]), []));
if (!args.dist) throw new Error('missing --dist');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MB = 1048576;
const BUDGET_MB = 64;

const server = await serveStatic(args.dist);
const browser = await launchBrowser();
const samples = [];
const seen = new Set();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${server.url}article.html?lang=zh`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.raftfigures?.snapshot, null, { timeout: 20_000 });
  await page.evaluate(() => {
    const start = performance.now();
    const end = () => document.documentElement.scrollHeight - innerHeight;
    const id = setInterval(() => {
      const f = Math.min(1, (performance.now() - start) / 30_000);
      scrollTo(0, f * end());
      if (f >= 1) clearInterval(id);
    }, 50);
  });
  for (let s = 0; s <= 32; s++) {
    await sleep(1000);
    await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    const { wasm, live } = await page.evaluate(() => ({
      wasm: window.raftfigures.memoryBytes() ?? 0,
      live: window.raftfigures.snapshot().map((f, i) => (f.live ? i + 1 : 0)).filter(Boolean),
    }));
    const alive = live.length;
    for (const n of live) seen.add(n);
    samples.push({ s, heapMB: heap / MB, wasmMB: wasm / MB, alive });
  }
} finally {
  await browser.close();
  await server.close();
}
const peak = samples.reduce((a, x) => (x.heapMB + x.wasmMB > a.heapMB + a.wasmMB ? x : a));
const total = peak.heapMB + peak.wasmMB;
console.log(`\narticle memory: peak JS heap + wasm ${total.toFixed(1)} MB (heap ${peak.heapMB.toFixed(1)}, wasm ${peak.wasmMB.toFixed(1)}, ${peak.alive} figures alive) at ${peak.s} s; budget ≤ ${BUDGET_MB} MB ${total <= BUDGET_MB ? 'OK' : 'OVER'}`);
console.log(`article memory: most figures alive at once ${Math.max(...samples.map((x) => x.alive))}; figures loaded over the scroll ${seen.size}`);
if (args.out) writeFileSync(args.out, JSON.stringify({ samples, seen: [...seen] }, null, 1));
