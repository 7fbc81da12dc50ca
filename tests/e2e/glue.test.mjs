// The release page's JS glue after scripts/shrink-glue.mjs (trunk's post_build hook):
// dist/ (from `trunk build --release`) has short wasm import, import module and export
// names on both sides, a minified glue, and Subresource Integrity hashes that match the files as shipped (a
// stale one makes the browser refuse the file). No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = join(root, 'dist');
const script = join(root, 'scripts', 'shrink-glue.mjs');

function built() {
  assert.ok(existsSync(join(dist, 'index.html')), 'dist/index.html missing: run `trunk build --release` first');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  // The main page's wasm (the article's figures have their own, which index.html does not name).
  const wasm = readdirSync(dist).find((n) => n.endsWith('_bg.wasm') && html.includes(n));
  assert.ok(wasm, 'no *_bg.wasm named in dist/index.html');
  return { wasm, js: wasm.replace(/_bg\.wasm$/, '.js'), html };
}

/** [{ file, integrity }] for every element of the html with an integrity attribute. */
function integrityRefs(html) {
  const refs = [];
  for (const [, attrs] of html.matchAll(/<(?:link|script)\b([^>]*)>/gi)) {
    const attr = (name) => attrs.match(new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'))?.slice(1).find((v) => v !== undefined);
    const integrity = attr('integrity');
    if (integrity === undefined) continue;
    refs.push({ file: (attr('href') ?? attr('src') ?? '').replace(/^\.?\//, ''), integrity });
  }
  return refs;
}

const sri = (algorithm, bytes) => `${algorithm}-${createHash(algorithm).update(bytes).digest('base64')}`;
const snapshot = (dir) => Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n)).toString('base64')]));

test('every integrity attribute in index.html matches the file it names, the glue and wasm included', () => {
  const { html, js, wasm } = built();
  const refs = integrityRefs(html);
  const files = refs.map((r) => r.file);
  assert.ok(files.includes(js), `index.html has an integrity attribute for ${js}: ${files}`);
  assert.ok(files.includes(wasm), `index.html has an integrity attribute for ${wasm}: ${files}`);
  for (const { file, integrity } of refs) {
    const bytes = readFileSync(join(dist, file));
    const ok = integrity.trim().split(/\s+/).some((v) => v === sri(v.split('-')[0], bytes));
    assert.ok(ok, `${file}: integrity ${integrity} does not match the file (${sri('sha384', bytes)})`);
  }
});

test('the wasm imports have short names without hashes, and the minified glue provides each', async () => {
  const { js, wasm } = built();
  const module = await WebAssembly.compile(readFileSync(join(dist, wasm)));
  const imports = WebAssembly.Module.imports(module);
  assert.ok(imports.length > 50, `expected the glue's many imports, found ${imports.length}`);
  assert.deepEqual(imports.filter((i) => /[0-9a-f]{16}/.test(i.name)).map((i) => i.name), [], 'no import name has a hash');
  const long = imports.filter((i) => !/^[A-Za-z][A-Za-z0-9]{0,2}$/.test(i.name));
  assert.deepEqual(long.map((i) => i.name), [], 'every import name is 1-3 letters or digits');
  assert.equal(new Set(imports.map((i) => `${i.module}\0${i.name}`)).size, imports.length, 'import names are unique');

  const glue = readFileSync(join(dist, js), 'utf8');
  assert.doesNotMatch(glue, /__wbg_[\w$]*_[0-9a-f]{16}/, 'no hashed wasm-bindgen import name is left in the glue');
  assert.ok(glue.split('\n').length <= 3, 'the glue is minified');
  for (const { name } of imports) {
    assert.match(glue, new RegExp(`[{,]${name}:`), `the glue's import object has the key ${name}`);
  }
});

test('the wasm imports come from one short module name, and the minified glue provides it', async () => {
  const { js, wasm } = built();
  const module = await WebAssembly.compile(readFileSync(join(dist, wasm)));
  const modules = [...new Set(WebAssembly.Module.imports(module).map((i) => i.module))];
  assert.deepEqual(modules.filter((m) => m.length > 2), [], 'no import module name is longer than 2 characters');
  assert.equal(modules.length, 1, `one import module: ${modules}`);
  const glue = readFileSync(join(dist, js), 'utf8');
  assert.doesNotMatch(glue, /_bg\.js/, 'the glue no longer names the ./*_bg.js module');
  const key = modules[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.match(glue, new RegExp(`[{,](?:${key}|"${key}"):`), `the glue's imports object has the module key ${modules[0]}`);
});

test('the wasm exports have no hashed or long wasm-bindgen names, and the glue reads the short ones', async () => {
  const { js, wasm } = built();
  const module = await WebAssembly.compile(readFileSync(join(dist, wasm)));
  const exports = WebAssembly.Module.exports(module).map((e) => e.name);
  assert.deepEqual(exports.filter((n) => /[0-9a-f]{16}/.test(n)), [], 'no export name has a hash');
  assert.deepEqual(exports.filter((n) => /^__wbindgen_|^__externref_|^wasm_bindgen__/.test(n)), [], 'no export keeps a wasm-bindgen name');
  assert.ok(exports.includes('memory'), `memory keeps its name (tests/perf/soak.mjs reads it): ${exports}`);
  const glue = readFileSync(join(dist, js), 'utf8');
  assert.doesNotMatch(glue, /[0-9a-f]{16}/, 'no hash is left in the glue');
  const short = exports.filter((n) => /^[A-Za-z][A-Za-z0-9]{0,2}$/.test(n));
  assert.ok(short.length >= 10, `the glue's exports have short names: ${exports}`);
  for (const name of short) assert.match(glue, new RegExp(`\\.${name}(?![\\w$])`), `the glue reads the export ${name}`);
});

test('shrink-glue refuses an already shrunk page with one line and leaves it untouched', () => {
  built();
  const copy = mkdtempSync(join(tmpdir(), 'shrink-glue-'));
  try {
    cpSync(dist, copy, { recursive: true });
    const before = snapshot(copy);
    const run = spawnSync(process.execPath, [script, copy], { encoding: 'utf8' });
    assert.equal(run.status, 1, `exit status (stdout: ${run.stdout}, stderr: ${run.stderr})`);
    assert.match(run.stderr, /^shrink-glue: error: .*already shrunk.*\n$/);
    assert.deepEqual(snapshot(copy), before, 'no file changed');

    // As the hook of a debug build it does nothing.
    const out = execFileSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { ...process.env, TRUNK_PROFILE: 'debug', TRUNK_STAGING_DIR: copy },
    });
    assert.match(out, /debug build, glue left as is/);
    assert.deepEqual(snapshot(copy), before, 'no file changed');
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
