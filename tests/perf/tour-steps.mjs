// The tour's instant moves, timed in headless Chromium (run by scripts/measure.sh after
// the page-cost scenarios; budget: at most one frame of work, 16 ms):
//   back   {type:"prev"} from each step of every scene (after Next has played it);
//   open   {type:"tour", scene, step}: a deep link into another scene (its script is
//          played afresh and the cursor put exactly at the step's moment), and
//   load   a real deep link (?scene=ID&step=N): from navigation to the first frame.
// Work = the command's own time plus the page's next animation frame up to the end of
// its drawing (the frame's callback start to a later callback in the same frame).
//
//   node tests/perf/tour-steps.mjs --dist DIR [--out FILE]
import { writeFileSync } from 'node:fs';
import { serveStatic } from '../e2e/server.mjs';
import { launchBrowser } from '../e2e/browser.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (i % 2 ? a : [...a, [v.replace(/^--/, ''), all[i + 1]]]), []));
if (!args.dist) throw new Error('missing --dist');

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** Times `cmd` and the frame that draws its result, in the page. */
const TIMED = `(cmd) => new Promise((done) => {
  const t0 = performance.now();
  window.raftviz.command(cmd);
  const commandMs = performance.now() - t0;
  // Registered after the page's own callback for the next frame: it runs after it.
  requestAnimationFrame((frameStart) => {
    const drawMs = Math.max(0, performance.now() - frameStart);
    done(commandMs + drawMs);
  });
})`;

const server = await serveStatic(args.dist);
const browser = await launchBrowser();
const result = { back: [], open: [], load: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}?speed=1`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.raftviz?.scenes);
  const scenes = await page.evaluate(() => window.raftviz.scenes());
  const timed = await page.evaluateHandle(`(${TIMED})`);
  for (const [i, s] of scenes.entries()) {
    const other = scenes[(i + 1) % scenes.length];
    for (let step = 1; step <= other.steps; step++) {
      result.open.push(await page.evaluate(([f, c]) => f(c), [timed, { type: 'tour', scene: other.id, step }]));
      // Back into the first scene, so the next open is a new scene again.
      await page.evaluate((id) => window.raftviz.command({ type: 'tour', scene: id, step: 1 }), s.id);
    }
    await page.evaluate((id) => window.raftviz.command({ type: 'tour', scene: id, step: 1 }), s.id);
    for (let step = 2; step <= s.steps; step++) {
      await page.evaluate(() => window.raftviz.command({ type: 'next' }));
      await page.waitForFunction(() => window.raftviz.snapshot().tour.done, null, { timeout: 30_000 });
      result.back.push(await page.evaluate(([f, c]) => f(c), [timed, { type: 'prev' }]));
      await page.evaluate(() => window.raftviz.command({ type: 'next' }));
      await page.waitForFunction(() => window.raftviz.snapshot().tour.done, null, { timeout: 30_000 });
    }
  }
  for (const s of scenes) {
    const t0 = Date.now();
    await page.goto(`${server.url}?scene=${s.id}&step=${s.steps}`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.raftviz?.snapshot().tour?.done, null, { polling: 5 });
    result.load.push(Date.now() - t0);
  }
} finally {
  await browser.close();
  await server.close();
}
const rows = [
  ['back (prev)', result.back, 16],
  ['open a step of another scene', result.open, 16],
  ['load a deep link, to its first frame', result.load, undefined],
];
console.log('\ntour steps: median (min–max), n');
for (const [name, v, max] of rows) {
  const m = median(v);
  const verdict = max === undefined ? '' : m <= max ? `≤ ${max} ms OK` : `≤ ${max} ms OVER`;
  console.log(`  ${name.padEnd(38)} ${m.toFixed(1)} ms (${Math.min(...v).toFixed(1)}–${Math.max(...v).toFixed(1)}), n=${v.length}  ${verdict}`);
}
if (args.out) writeFileSync(args.out, JSON.stringify(result, null, 1));
