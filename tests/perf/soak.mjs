// Soak of scripts/measure.sh (MEASURE_SOAK=1 or --soak): the default page left running in
// headless Chromium; every interval, after a forced GC, samples the JS heap (CDP
// Performance.getMetrics JSHeapUsedSize) and the wasm linear memory
// (WebAssembly.Memory.buffer.byteLength). Prints first/last/max and a verdict.
//
//   node tests/perf/soak.mjs --dist DIR --out FILE
//     env: MEASURE_SOAK_MINUTES (10), MEASURE_SOAK_INTERVAL (30 s), MEASURE_VIEWPORT (1280x800),
//          MEASURE_SOAK_QUERY (none; e.g. "?speed=1" to fill the bounded history sooner)
//
// Verdict window: the last 5 minutes, or the last half of a shorter soak. The JS heap is
// "flat" when it grew less than 5% over the window; the wasm memory when it did not grow
// at all over the window (linear memory grows by 64 KiB pages and never shrinks).
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { serveStatic } from '../e2e/server.mjs';
import { collectErrors, launchBrowser } from '../e2e/browser.mjs';

const HEAP_FLAT_PCT = 5;

function parseArgs(argv) {
  const a = {};
  for (let i = 0; i < argv.length; i += 2) a[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['dist', 'out']) if (!a[k]) throw new Error(`missing --${k}`);
  return a;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (b) => `${(b / 1048576).toFixed(2)} MB`;

// Keeps the app's WebAssembly.Memory reachable: trunk's loader dispatches
// TrunkApplicationStarted with detail.wasm = the instance exports (memory among them).
const INIT = `addEventListener('TrunkApplicationStarted', (e) => {
  window.__soakWasmMemory = (e.detail && e.detail.wasm && e.detail.wasm.memory) || null;
});`;

async function wasmMemoryBytes(page) {
  return page.evaluate(async () => {
    let mem = window.__soakWasmMemory;
    if (!mem && window.wasmBindings && typeof window.wasmBindings.default === 'function') {
      // The glue's init returns the already-initialized exports on a second call.
      mem = (await window.wasmBindings.default()).memory;
    }
    return mem ? mem.buffer.byteLength : null;
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const minutes = Number(process.env.MEASURE_SOAK_MINUTES || 10);
  const intervalS = Number(process.env.MEASURE_SOAK_INTERVAL || 30);
  const [vw, vh] = (process.env.MEASURE_VIEWPORT || '1280x800').split('x').map(Number);
  if (!(minutes > 0) || !(intervalS > 0)) throw new Error('MEASURE_SOAK_MINUTES and MEASURE_SOAK_INTERVAL must be > 0');

  const query = process.env.MEASURE_SOAK_QUERY || '';
  const server = await serveStatic(args.dist);
  const url = server.url + query;
  const browser = await launchBrowser();
  const samples = [];
  let errors = [];
  try {
    const context = await browser.newContext({ viewport: { width: vw, height: vh } });
    await context.addInitScript(INIT);
    const page = await context.newPage();
    errors = collectErrors(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.enable');
    console.log(`soak: ${url} for ${minutes} min, a sample every ${intervalS} s (after a forced GC)`);
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction(() => window.raftviz && typeof window.raftviz.snapshot === 'function',
      null, { polling: 100, timeout: 30_000 });

    const t0 = Date.now();
    const end = t0 + minutes * 60_000;
    console.log('soak:   wall s   JS heap used   wasm memory   sim time s  playing');
    for (let i = 0; ; i++) {
      const due = t0 + i * intervalS * 1000;
      if (due > end + 1000) break;
      await sleep(Math.max(0, due - Date.now()));
      await cdp.send('HeapProfiler.collectGarbage');
      const m = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
      const wasm = await wasmMemoryBytes(page);
      const snap = await page.evaluate(() => {
        const s = window.raftviz.snapshot();
        return { timeMs: s.timeMs, playing: s.playing };
      });
      const s = { wallS: Math.round((Date.now() - t0) / 1000), jsHeapUsed: m.JSHeapUsedSize, wasmBytes: wasm, simMs: snap.timeMs, playing: snap.playing };
      samples.push(s);
      console.log(`soak: ${String(s.wallS).padStart(8)}  ${mb(s.jsHeapUsed).padStart(13)}  ${(wasm === null ? 'n/a' : mb(wasm)).padStart(12)}  ${(s.simMs / 1000).toFixed(1).padStart(11)}  ${s.playing}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }

  // ---------- summary and verdict ----------
  const last = samples[samples.length - 1];
  const windowS = Math.min(300, last.wallS / 2);
  const from = samples.filter((s) => s.wallS <= last.wallS - windowS).pop() ?? samples[0];
  const stat = (k) => {
    const v = samples.map((s) => s[k]).filter((x) => typeof x === 'number');
    return v.length ? { first: v[0], last: v[v.length - 1], max: Math.max(...v) } : null;
  };
  const heap = stat('jsHeapUsed');
  const wasm = stat('wasmBytes');
  const heapGrowthPct = 100 * (last.jsHeapUsed - from.jsHeapUsed) / from.jsHeapUsed;
  const heapFlat = heapGrowthPct < HEAP_FLAT_PCT;
  const wasmGrowth = wasm && from.wasmBytes !== null ? last.wasmBytes - from.wasmBytes : null;
  const wasmFlat = wasmGrowth === 0;
  const simAdvanced = last.simMs > samples[0].simMs;
  const windowLabel = `last ${(windowS / 60).toFixed(1)} min (from ${from.wallS} s to ${last.wallS} s)`;

  const out = [];
  out.push('');
  out.push(`soak summary (${minutes} min, ${samples.length} samples):`);
  out.push(`  JS heap used   first ${mb(heap.first)}  last ${mb(heap.last)}  max ${mb(heap.max)}`);
  out.push(wasm
    ? `  wasm memory    first ${mb(wasm.first)}  last ${mb(wasm.last)}  max ${mb(wasm.max)}`
    : '  wasm memory    n/a (could not reach the WebAssembly.Memory)');
  out.push(`  simulated time ${(samples[0].simMs / 1000).toFixed(1)} s -> ${(last.simMs / 1000).toFixed(1)} s${simAdvanced ? '' : '  (DID NOT ADVANCE: the page was not running)'}`);
  out.push(`  verdict over the ${windowLabel}:`);
  out.push(`    JS heap      ${heapFlat ? 'FLAT' : 'GROWING'} (${heapGrowthPct >= 0 ? '+' : ''}${heapGrowthPct.toFixed(1)}%, threshold < ${HEAP_FLAT_PCT}%)`);
  out.push(`    wasm memory  ${wasmGrowth === null ? 'N/A' : wasmFlat ? 'FLAT (no growth)' : `GROWING (+${(wasmGrowth / 1024).toFixed(0)} KiB)`}`);
  if (errors.length) {
    out.push('  page errors:');
    for (const e of [...new Set(errors)]) out.push(`    ${e}`);
  } else {
    out.push('  page errors: none');
  }
  console.log(out.join('\n'));

  mkdirSync(dirname(resolve(args.out)), { recursive: true });
  writeFileSync(args.out, JSON.stringify({
    url: query || '/', minutes, intervalS, viewport: `${vw}x${vh}`, samples,
    summary: { jsHeapUsed: heap, wasmBytes: wasm, window: { fromS: from.wallS, toS: last.wallS },
      heapGrowthPct: +heapGrowthPct.toFixed(2), heapFlat, wasmGrowthBytes: wasmGrowth, wasmFlat, simAdvanced },
    errors,
  }, null, 2));
  console.log(`soak: JSON in ${args.out}`);
  return 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`soak: error: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
