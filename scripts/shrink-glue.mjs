#!/usr/bin/env node
// Shrinks the JS glue that wasm-bindgen writes, after trunk has staged a release build.
// Runs as the trunk `post_build` hook declared in Trunk.toml; by hand:
//   node scripts/shrink-glue.mjs DIR     (DIR: a built dist/, e.g. target/measure-dist)
//
// Why: the page has a 100 KB gzip budget, and the glue is shipped as wasm-bindgen wrote it.
//   - trunk 0.21's own JS minifier (the minify-js crate, behind `minify = "on_release"`)
//     cannot parse the glue's `export { initSync, __wbg_init as default }` (it logs "Failed
//     to minify JS: RequiredTokenNotFound(Identifier)") and ships the file as it is, so
//     terser minifies it here instead: module mode, compress, and mangling of local names
//     only; property names, and so the import keys and `wasm.<export>` accesses, are kept.
//   - every import carries a 16-hex-digit hash (`__wbg_setAttribute_2704501201f15687`),
//     once as a key of the glue's import object and once in the wasm import section. Both
//     sides get short names (`c`, `d`, ..., `aa`, ...) in import order, skipping every word
//     the glue already contains, so the same build always gives the same bytes.
//   - trunk wrote Subresource Integrity hashes (`integrity=sha384-...`) of the original
//     files into index.html (the glue's modulepreload link and the wasm's preload link),
//     and a browser refuses a preloaded file whose hash differs, so those are recomputed.
//     The init script trunk inlines names the files but carries no hash.
// Exports keep their names: the page's init script hands the exports object to the host
// (the TrunkApplicationStarted event). File names keep trunk's hash of the original
// content; since this rewrite is deterministic, they still change exactly when the
// content does.
//
// trunk 0.21.14 runs post_build hooks with the working directory at the project root
// (where Trunk.toml is), after it has written index.html into the staging dir
// (TRUNK_STAGING_DIR, <dist>/.stage) and before it moves the stage into <dist>; a hook that
// fails fails the build and <dist> keeps the previous build. Debug builds (TRUNK_PROFILE=
// debug, as in plain `trunk serve`) are left as they are, readable. Nothing is written
// until every file has been rewritten and checked, so a failure leaves the files untouched.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SETUP_HINT = 'run ./scripts/setup.sh (or `npm ci`) to install the build tools';

class ShrinkError extends Error {}
const fail = (message) => {
  throw new ShrinkError(message);
};

// ---------------------------------------------------------------------------------------
// The wasm import section.

/** Reads an unsigned LEB128 at `pos` (up to 64 bits); returns [value, next position]. */
function readLeb(bytes, pos, what) {
  let value = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= bytes.length) fail(`wasm: truncated LEB128 (${what})`);
    const byte = bytes[pos++];
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, pos];
    shift += 7n;
    if (shift > 63n) fail(`wasm: LEB128 too long (${what})`);
  }
}

function readU32(bytes, pos, what) {
  const [value, next] = readLeb(bytes, pos, what);
  if (value > 0xffffffffn) fail(`wasm: ${what} does not fit in u32`);
  return [Number(value), next];
}

function encodeU32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return Uint8Array.from(out);
}

function readName(bytes, pos, what) {
  const [len, start] = readU32(bytes, pos, `${what} length`);
  const end = start + len;
  if (end > bytes.length) fail(`wasm: ${what} runs past the end`);
  try {
    return [new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, end)), end];
  } catch {
    return fail(`wasm: ${what} is not valid UTF-8`);
  }
}

const VALTYPE_BYTES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f, 0x6e, 0x6d, 0x6c, 0x6b, 0x6a, 0x71, 0x72, 0x73, 0x74]);

/** Skips a value or reference type; returns the next position. */
function skipValtype(bytes, pos) {
  const byte = bytes[pos];
  if (byte === 0x63 || byte === 0x64) return readLeb(bytes, pos + 1, 'heap type')[1]; // (ref null? ht)
  if (!VALTYPE_BYTES.has(byte)) fail(`wasm: unknown value type 0x${byte?.toString(16)} in an import`);
  return pos + 1;
}

/** Skips table or memory limits (any flags: max, shared, 64-bit, custom page size). */
function skipLimits(bytes, pos) {
  const flags = bytes[pos++];
  if (flags === undefined || flags > 0x0f) fail(`wasm: unknown limits flags 0x${flags?.toString(16)}`);
  pos = readLeb(bytes, pos, 'limits min')[1];
  if (flags & 0x01) pos = readLeb(bytes, pos, 'limits max')[1];
  if (flags & 0x08) pos = readLeb(bytes, pos, 'page size')[1];
  return pos;
}

/** Skips an import description (func, table, memory, global, tag). */
function skipImportDesc(bytes, pos) {
  const kind = bytes[pos++];
  switch (kind) {
    case 0x00: return readU32(bytes, pos, 'type index')[1];
    case 0x01: return skipLimits(bytes, skipValtype(bytes, pos));
    case 0x02: return skipLimits(bytes, pos);
    case 0x03: {
      pos = skipValtype(bytes, pos);
      if (bytes[pos] !== 0 && bytes[pos] !== 1) fail('wasm: bad global mutability in an import');
      return pos + 1;
    }
    case 0x04: {
      if (bytes[pos] !== 0) fail('wasm: bad tag attribute in an import');
      return readU32(bytes, pos + 1, 'tag type index')[1];
    }
    default:
      return fail(`wasm: unknown import kind 0x${kind?.toString(16)}`);
  }
}

/**
 * Splits a wasm binary into its sections and parses the import section:
 * { sections: [{ id, start, end }] (start..end spans the whole section), importIndex,
 *   imports: [{ module, field, desc: Uint8Array }] }.
 */
function parseWasm(bytes) {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < 8 || header.some((b, i) => bytes[i] !== b)) fail('wasm: not a wasm module (version 1)');
  const sections = [];
  let pos = 8;
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos++];
    const [size, body] = readU32(bytes, pos, 'section size');
    const end = body + size;
    if (end > bytes.length) fail(`wasm: section ${id} runs past the end`);
    sections.push({ id, start, body, end });
    pos = end;
  }
  const importSections = sections.filter((s) => s.id === 2);
  if (importSections.length !== 1) fail(`wasm: expected one import section, found ${importSections.length}`);
  const section = importSections[0];
  let [count, p] = readU32(bytes, section.body, 'import count');
  const imports = [];
  for (let i = 0; i < count; i++) {
    let module;
    let field;
    [module, p] = readName(bytes, p, 'import module name');
    [field, p] = readName(bytes, p, 'import field name');
    const descStart = p;
    p = skipImportDesc(bytes, p);
    if (p > section.end) fail('wasm: import section entries run past its end');
    imports.push({ module, field, desc: bytes.subarray(descStart, p) });
  }
  if (p !== section.end) fail(`wasm: import section has ${section.end - p} stray bytes after ${count} imports`);
  return { sections, importIndex: sections.indexOf(section), imports };
}

/** The same module with its import section replaced by `imports` (LEB128 sizes redone). */
function rewriteImports(bytes, parsed, imports) {
  const encoder = new TextEncoder();
  const name = (s) => {
    const utf8 = encoder.encode(s);
    return [encodeU32(utf8.length), utf8];
  };
  const body = [encodeU32(imports.length)];
  for (const imp of imports) body.push(...name(imp.module), ...name(imp.field), imp.desc);
  const bodyLength = body.reduce((n, part) => n + part.length, 0);
  const section = parsed.sections[parsed.importIndex];
  return Buffer.concat([
    bytes.subarray(0, section.start),
    Uint8Array.of(2),
    encodeU32(bodyLength),
    ...body,
    bytes.subarray(section.end),
  ]);
}

// ---------------------------------------------------------------------------------------
// Short names.

const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await async of get set arguments eval ' +
    'undefined NaN Infinity').split(' '),
);
const FIRST = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const REST = FIRST + '0123456789';

/** a, b, ..., Z, aa, ab, ...: every identifier of length 1, then 2, ... (letters first). */
function* identifiers() {
  for (let length = 1; ; length++) {
    const total = FIRST.length * REST.length ** (length - 1);
    for (let n = 0; n < total; n++) {
      let rest = '';
      let k = n;
      for (let i = 1; i < length; i++) {
        rest = REST[k % REST.length] + rest;
        k = Math.floor(k / REST.length);
      }
      yield FIRST[k] + rest;
    }
  }
}

// Every identifier-like word in the text, strings and comments included (so the short
// names avoid anything that could be confused with a name the glue already uses).
const words = (text) => new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? []);

// ---------------------------------------------------------------------------------------
// The JS glue.

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Renames the keys of the glue's import object. Every whole-identifier occurrence of an old
 * name must be an object key (after `{` or `,`, before `:`): anything else means the glue
 * has a shape this script does not know, and renaming could break it.
 */
function renameInGlue(js, renames) {
  const seen = new Map();
  const out = js.replace(/(?<![\w$])[A-Za-z_$][\w$]*(?![\w$])/g, (word, offset) => {
    const short = renames.get(word);
    if (short === undefined) return word;
    const before = js.slice(0, offset).trimEnd().at(-1);
    const after = js.slice(offset + word.length).trimStart()[0];
    if ((before !== '{' && before !== ',') || after !== ':') {
      fail(`js: the import name ${word} appears in the glue other than as an import object key`);
    }
    seen.set(word, (seen.get(word) ?? 0) + 1);
    return short;
  });
  for (const old of renames.keys()) {
    const n = seen.get(old) ?? 0;
    if (n !== 1) fail(`js: the glue defines the wasm import ${old} ${n} times, expected once`);
  }
  return out;
}

async function minifyJs(js) {
  let terser;
  try {
    terser = await import('terser');
  } catch {
    fail(`terser is not installed (node_modules/terser): ${SETUP_HINT}`);
  }
  let result;
  try {
    result = await terser.minify(js, {
      module: true, // an ES module: strict, top-level names are local, exports are kept
      compress: true,
      mangle: true, // local variable names only; properties keep their names
      format: { comments: false },
    });
  } catch (err) {
    fail(`terser failed on the glue: ${err.message ?? err}`);
  }
  if (!result?.code) fail('terser returned no code');
  return result.code;
}

// ---------------------------------------------------------------------------------------
// Subresource Integrity in index.html.

const ATTR = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function sri(algorithm, bytes) {
  return `${algorithm}-${createHash(algorithm).update(bytes).digest('base64')}`;
}

/**
 * Rewrites the integrity attribute of every <link>/<script> whose href/src names one of
 * `files` (file name -> new bytes); returns [html, names updated]. Other integrity
 * attributes (the favicon's) are left as they are.
 */
function updateIntegrity(html, files) {
  const updated = [];
  const out = html.replace(/<(link|script)\b([^>]*)>/gi, (tag, element, attrText) => {
    const attrs = new Map();
    for (const m of attrText.matchAll(ATTR)) {
      attrs.set(m[1].toLowerCase(), { text: m[0], value: m[2] ?? m[3] ?? m[4] ?? '' });
    }
    const integrity = attrs.get('integrity');
    const url = attrs.get('href') ?? attrs.get('src');
    if (!integrity || !url) return tag;
    const file = decodeURIComponent(url.value.split(/[?#]/)[0]).replace(/^(\.\/|\/)+/, '');
    const bytes = files.get(file);
    if (!bytes) return tag;
    const algorithm = integrity.value.split('-')[0];
    if (!['sha256', 'sha384', 'sha512'].includes(algorithm) || /\s/.test(integrity.value.trim())) {
      fail(`html: unexpected integrity value for ${file}: ${integrity.value}`);
    }
    const value = sri(algorithm, bytes);
    const attr = /^[^\s"'=<>`]+$/.test(value) ? `integrity=${value}` : `integrity="${value}"`;
    updated.push(file);
    return tag.replace(integrity.text, attr);
  });
  return [out, updated];
}

// ---------------------------------------------------------------------------------------

async function shrink(dir) {
  const names = readdirSync(dir);
  const wasmNames = names.filter((n) => n.endsWith('_bg.wasm'));
  if (wasmNames.length !== 1) {
    fail(`expected one *_bg.wasm in ${dir}, found ${wasmNames.length ? wasmNames.join(', ') : 'none'}`);
  }
  const wasmName = wasmNames[0];
  const jsName = wasmName.replace(/_bg\.wasm$/, '.js');
  if (!names.includes(jsName)) fail(`no JS glue ${jsName} beside ${wasmName} in ${dir}`);
  if (!names.includes('index.html')) fail(`no index.html in ${dir}`);

  const wasm = readFileSync(join(dir, wasmName));
  const js = readFileSync(join(dir, jsName), 'utf8');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');

  // The glue hands its imports to the wasm under one module name, e.g. "./raft-viz_bg.js".
  const parsed = parseWasm(wasm);
  const modules = [...new Set(parsed.imports.map((i) => i.module))];
  const glueModules = modules.filter((m) => /^\.\/.*_bg\.js$/.test(m));
  if (glueModules.length !== 1) fail(`wasm: expected imports from one ./*_bg.js module, found: ${modules.join(', ')}`);
  const glueModule = glueModules[0];
  if (!js.includes(`"${glueModule}"`) && !js.includes(`'${glueModule}'`)) {
    fail(`js: ${jsName} does not provide the wasm's import module ${glueModule}`);
  }

  const fields = [...new Set(parsed.imports.filter((i) => i.module === glueModule).map((i) => i.field))];
  const notBindgen = fields.filter((f) => !/^__wbg|^__wbindgen/.test(f));
  if (notBindgen.length) {
    fail(`wasm: import ${notBindgen[0]} is not a wasm-bindgen name (already shrunk? rebuild first)`);
  }

  // Short names in import order, skipping reserved words and every word already in the
  // glue or among the wasm's other import names.
  const taken = words(js);
  for (const imp of parsed.imports) taken.add(imp.field);
  const renames = new Map();
  const gen = identifiers();
  for (const field of fields) {
    let short;
    do short = gen.next().value; while (RESERVED.has(short) || taken.has(short));
    renames.set(field, short);
  }

  const newImports = parsed.imports.map((i) => (i.module === glueModule ? { ...i, field: renames.get(i.field) } : i));
  const newWasm = rewriteImports(wasm, parsed, newImports);
  // Check the result: it must compile and import exactly the new names.
  let compiled;
  try {
    compiled = new WebAssembly.Module(newWasm);
  } catch (err) {
    fail(`wasm: the rewritten module does not validate: ${err.message}`);
  }
  const got = WebAssembly.Module.imports(compiled).map((i) => `${i.module}\0${i.name}`).join('\n');
  if (got !== newImports.map((i) => `${i.module}\0${i.field}`).join('\n')) fail('wasm: rewritten imports differ from the plan');

  const newJs = await minifyJs(renameInGlue(js, renames));
  // The minified glue must still provide every new name as a key (terser keeps keys).
  const lost = [...renames.values()].filter((s) => !new RegExp(`[{,]${s}:`).test(newJs));
  if (lost.length) fail(`js: the minified glue lost the import key ${lost[0]}`);

  const files = new Map([
    [jsName, Buffer.from(newJs, 'utf8')],
    [wasmName, newWasm],
  ]);
  const [newHtml, updated] = updateIntegrity(html, files);
  // Any other copy of an old hash (say, a future init script that passes `integrity` to
  // fetch) would now be wrong: stop rather than ship a page that cannot load.
  for (const [name, bytes] of [[jsName, Buffer.from(js, 'utf8')], [wasmName, wasm]]) {
    for (const algorithm of ['sha256', 'sha384', 'sha512']) {
      if (newHtml.includes(sri(algorithm, bytes).split('-')[1])) {
        fail(`html: index.html still has the old ${algorithm} hash of ${name} where this script does not update it`);
      }
    }
  }

  // Write everything only now, each file through a temporary name and a rename.
  const outputs = [...files, ['index.html', Buffer.from(newHtml, 'utf8')]];
  const tmp = (name) => join(dir, `${name}.shrink-tmp`);
  try {
    for (const [name, bytes] of outputs) writeFileSync(tmp(name), bytes);
  } catch (err) {
    for (const [name] of outputs) rmSync(tmp(name), { force: true });
    fail(`cannot write to ${dir}: ${err.message}`);
  }
  for (const [name] of outputs) renameSync(tmp(name), join(dir, name));

  console.log(
    `shrink-glue: ${renames.size} imports renamed; ${jsName} ${js.length} -> ${newJs.length} B, ` +
      `${wasmName} ${wasm.length} -> ${newWasm.length} B; integrity updated for ${updated.length ? updated.join(', ') : 'nothing'}`,
  );
}

async function main() {
  const args = process.argv.slice(2);
  let dir;
  if (args.length > 1 || args[0]?.startsWith('-')) fail('usage: node scripts/shrink-glue.mjs [DIR]');
  if (args.length === 1) {
    dir = args[0];
  } else {
    if (!process.env.TRUNK_STAGING_DIR) fail('TRUNK_STAGING_DIR is not set: run as a trunk hook, or pass a dist directory');
    if (process.env.TRUNK_PROFILE !== 'release') {
      console.log(`shrink-glue: ${process.env.TRUNK_PROFILE ?? 'debug'} build, glue left as is`);
      return;
    }
    dir = process.env.TRUNK_STAGING_DIR;
  }
  await shrink(dir);
}

main().catch((err) => {
  const message = err instanceof ShrinkError ? err.message : `unexpected: ${err?.message ?? err}`;
  console.error(`shrink-glue: error: ${message.replace(/\s*\n\s*/g, ' ')}`);
  process.exit(1);
});
