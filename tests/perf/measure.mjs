// Driver of scripts/measure.sh: serves the built page, runs page-cost.mjs once per
// scenario (each its own Node process with --runs N), then prints one table of medians
// against the page budgets (the weight from tests/page-budget.json, the one file the CI
// gate reads too; the rest as issue 9 last set them). Over budget is reported, not failed: exit status 1 only
// when a scenario could not be measured at all.
//
//   node tests/perf/measure.mjs --dist DIR --out DIR --page-cost FILE
//     env: MEASURE_RUNS (3), MEASURE_SETTLE (3 s), MEASURE_SECONDS (10 s),
//          MEASURE_VIEWPORT (1280x800), MEASURE_SCENARIOS (all; comma list, or "none")
//   NODE_PATH must name the repository's node_modules (page-cost.mjs requires playwright-core).
import { spawn } from 'node:child_process';
import { readFileSync, mkdirSync, createWriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '../e2e/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { bytesGzTotal: weightBudget } = JSON.parse(readFileSync(join(here, '..', 'page-budget.json'), 'utf8'));

const ms = { unit: 'ms/s', fmt: (v) => v.toFixed(1) };
const fps = { unit: 'fps', fmt: (v) => v.toFixed(1) };
const msOnce = { unit: 'ms', fmt: (v) => v.toFixed(0) };
const bytes = { unit: 'B', fmt: (v) => `${Math.round(v).toLocaleString('en-US')}` };

// metric: a field of page-cost's output (its summary holds median/min/max over the runs).
// max: the budget (median must be <= max); no max = shown for context only.
export const SCENARIOS = [
  {
    // The page as it opens: the tour, the reader pressing Next after each step.
    name: 'tour', query: '', prep: 'prep-tour.mjs',
    rows: [
      { metric: 'taskMsPerS', max: 40, ...ms },
      { metric: 'bytesGzTotal', max: weightBudget, ...bytes },
      { metric: 'firstRafAfterLoadMs', max: 250, ...msOnce },
      { metric: 'rafFps', ...fps },
    ],
  },
  {
    // With the space-time diagram under the cluster (issue 12: 55 ms/s).
    name: 'sandbox', query: '?mode=sandbox', prep: 'prep-sandbox.mjs',
    rows: [
      { metric: 'taskMsPerS', max: 55, ...ms },
      { metric: 'rafFps', ...fps },
    ],
  },
  {
    // The same with the diagram hidden: the diagram's own cost is the difference
    // (issue 12: at most 7 ms/s).
    name: 'sandbox-no-diagram', query: '?mode=sandbox', prep: 'prep-no-diagram.mjs',
    rows: [
      { metric: 'taskMsPerS', ...ms },
      { metric: 'rafFps', ...fps },
    ],
  },
  {
    // Scrolled top to bottom in 30 s; heap and wasm memory: tests/perf/article-memory.mjs.
    name: 'article', query: 'article.html', prep: 'prep-article.mjs', seconds: 30,
    rows: [
      { metric: 'taskMsPerS', max: 60, ...ms },
      { metric: 'heapUsedMB' , unit: 'MB', fmt: (v) => v.toFixed(1) },
    ],
  },
  {
    name: 'busy', query: '?nodes=9', prep: 'prep-busy.mjs',
    rows: [
      { metric: 'taskMsPerS', max: 100, ...ms },
      { metric: 'rafFps', ...fps },
    ],
  },
  {
    name: 'paused', query: '?mode=sandbox', prep: 'prep-paused.mjs',
    rows: [
      { metric: 'rafFps', max: 0, ...fps },
      { metric: 'taskMsPerS', ...ms },
    ],
  },
  {
    name: 'offscreen', query: '?mode=sandbox', prep: 'prep-offscreen.mjs',
    rows: [
      { metric: 'rafFps', max: 0, ...fps },
      { metric: 'taskMsPerS', ...ms },
    ],
  },
];

function parseArgs(argv) {
  const a = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    if (!k.startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument: ${k}`);
    a[k.slice(2)] = argv[i + 1];
  }
  for (const k of ['dist', 'out', 'page-cost']) if (!a[k]) throw new Error(`missing --${k}`);
  return a;
}

function run(cmd, args, logFile) {
  return new Promise((ok) => {
    const log = createWriteStream(logFile);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log); // page-cost prints its whole JSON there; --out keeps it too
    child.stderr.on('data', (d) => { process.stderr.write(d); log.write(d); });
    child.on('close', (code, signal) => log.end(() => ok(code ?? (signal ? 128 : 1))));
  });
}

const pad = (s, n) => String(s).padEnd(n);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const runs = Number(process.env.MEASURE_RUNS || 3);
  const settle = process.env.MEASURE_SETTLE || '3';
  const seconds = process.env.MEASURE_SECONDS || '10';
  const viewport = process.env.MEASURE_VIEWPORT || '1280x800';
  const wanted = (process.env.MEASURE_SCENARIOS ?? '').trim();
  if (!(runs >= 1)) throw new Error(`MEASURE_RUNS must be >= 1, got ${process.env.MEASURE_RUNS}`);
  let scenarios = SCENARIOS;
  if (wanted === 'none') scenarios = [];
  else if (wanted) {
    const names = wanted.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
    if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(', ')} (have: ${SCENARIOS.map((s) => s.name).join(', ')})`);
    scenarios = SCENARIOS.filter((s) => names.includes(s.name));
  }
  if (!scenarios.length) return 0;

  const outDir = resolve(args.out);
  mkdirSync(outDir, { recursive: true });
  const server = await serveStatic(args.dist);
  console.log(`measure: serving ${args.dist} at ${server.url}`);
  const results = [];
  try {
    for (const sc of scenarios) {
      const url = server.url + sc.query;
      const outFile = join(outDir, `${sc.name}.json`);
      const cmdArgs = [args['page-cost'], url, settle, String(sc.seconds ?? seconds), '--runs', String(runs),
        '--viewport', viewport, '--prep', join(here, sc.prep), '--out', outFile];
      console.log(`\nmeasure: ${sc.name}: node ${cmdArgs.join(' ')}`);
      const t0 = Date.now();
      const code = await run(process.execPath, cmdArgs, join(outDir, `${sc.name}.log`));
      console.log(`measure: ${sc.name}: exit ${code} after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      let data = null;
      if (code === 0) {
        try { data = JSON.parse(readFileSync(outFile, 'utf8')); } catch (e) { console.error(`measure: ${sc.name}: cannot read ${outFile}: ${e}`); }
      }
      results.push({ sc, data, code });
    }
  } finally {
    await server.close();
  }
  return report(results, { runs, settle, seconds, viewport, outDir });
}

function report(results, cfg) {
  const lines = [];
  const head = ['scenario', 'metric', 'median (min–max)', 'budget', 'verdict'];
  const rows = [];
  const notes = [];
  const messages = new Map(); // message -> scenarios it appeared in
  let over = 0;
  let failed = 0;
  for (const { sc, data, code } of results) {
    if (!data) {
      failed++;
      rows.push([sc.name, '-', `NOT MEASURED (page-cost exit ${code}, see ${sc.name}.log)`, '-', 'FAILED']);
      continue;
    }
    for (const r of sc.rows) {
      const s = data.summary[r.metric];
      const budget = r.max === undefined ? '-' : `≤ ${r.fmt(r.max)} ${r.unit}`;
      if (!s) {
        const vals = data.runs.map((x) => x[r.metric]);
        rows.push([sc.name, r.metric, `n/a (runs: ${JSON.stringify(vals)})`, budget, r.max === undefined ? '' : 'N/A']);
        continue;
      }
      const val = `${r.fmt(s.median)} ${r.unit} (${r.fmt(s.min)}–${r.fmt(s.max)})`;
      let verdict = '';
      if (r.max !== undefined) {
        verdict = s.median <= r.max ? 'OK' : 'OVER';
        if (verdict === 'OVER') over++;
      }
      rows.push([sc.name, r.metric, val, budget, verdict]);
    }
    // Anything odd in the runs: page errors, console errors/warnings, failed requests.
    for (const run of data.runs) {
      for (const e of [...(run.errors || []), ...(run.console || []), ...(run.httpErrors || []), ...(run.failedRequests || [])]) {
        if (!messages.has(e)) messages.set(e, new Set());
        messages.get(e).add(sc.name);
      }
    }
    const moving = data.runs.map((r) => r.screenshotsDiffer);
    notes.push(`${sc.name}: screenshots 700 ms apart differ (animating): ${moving.join(', ')}`);
    if (sc.rows.some((r) => r.metric === 'bytesGzTotal') && data.runs[0].files) {
      const files = data.runs[0].files.map((f) => `${f.url.replace(/^.*\//, '') || 'index'} ${f.gz9.toLocaleString('en-US')}`);
      notes.push(`${sc.name}: gzip -9 bytes by file: ${files.join(', ')}; other ${data.runs[0].otherBytesRaw}`);
    }
  }
  for (const [e, where] of messages) notes.push(`page said (${[...where].join(', ')}): ${e}`);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const fmtRow = (r) => r.map((c, i) => pad(c, widths[i])).join('  ').trimEnd();
  lines.push('');
  lines.push(`page budgets: median of ${cfg.runs} run(s), each ${cfg.settle} s settle + ${cfg.seconds} s measured, viewport ${cfg.viewport}`);
  lines.push(fmtRow(head));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) lines.push(fmtRow(r));
  lines.push('');
  if (notes.length) {
    lines.push('notes:');
    for (const n of notes) lines.push(`  ${n}`);
  }
  const budgeted = results.reduce((n, { sc }) => n + sc.rows.filter((r) => r.max !== undefined).length, 0);
  lines.push(`measure: ${over} of ${budgeted} budget(s) OVER${failed ? `, ${failed} scenario(s) NOT MEASURED` : ''}; JSON in ${cfg.outDir}/`);
  console.log(lines.join('\n'));
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`measure: error: ${e && e.message ? e.message : e}`);
  process.exit(1);
});
