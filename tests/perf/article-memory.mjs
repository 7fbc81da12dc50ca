// The article page's memory while a reader scrolls it from top to bottom in 30 s (run by
// scripts/measure.sh; budget: JS heap plus the wasm memory of all figures ≤ 64 MB).
// Every second: the page's JS heap (CDP Performance.getMetrics, after a forced GC; the
// same-origin figures share the page's heap) plus the linear memory of every figure
// alive then, and how many figures are alive. Prints the peak and the figures seen.
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

// Each figure's WebAssembly.Memory, from trunk's start event (init scripts run in every
// frame).
const INIT = `addEventListener('TrunkApplicationStarted', (e) => {
  window.__wasmMemory = (e.detail && e.detail.wasm && e.detail.wasm.memory) || null;
});`;

const server = await serveStatic(args.dist);
const browser = await launchBrowser();
const samples = [];
const seen = new Set();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(INIT);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${server.url}article.html?lang=zh`, { waitUntil: 'load' });
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
    let wasm = 0;
    let alive = 0;
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      const bytes = await f.evaluate(() => (window.__wasmMemory ? window.__wasmMemory.buffer.byteLength : 0)).catch(() => 0);
      if (bytes > 0) {
        alive++;
        wasm += bytes;
        seen.add(f.url());
      }
    }
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
