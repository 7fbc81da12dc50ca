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
//     once as a key of the glue's import object and once in the wasm import section, and
//     every import (about 150) repeats the module name "./raft-viz_bg.js" in the wasm.
//     The module becomes "_" and the imports get short names (`c`, `d`, ..., `aa`, ...) on
//     both sides.
//   - the exports the glue reads as `wasm.NAME` have long names, some hashed too
//     (`wasm_bindgen__convert__closures_____invoke__h73ee43ec0bed459a`, `__wbindgen_malloc`
//     11 times): they get short names in the wasm export section and in the glue, but for
//     `memory`. The glue's own wrappers of the same names are local and terser renames
//     them, so the minified glue must not name an old export anywhere, and no other file of
//     the page may name one (or the module) at all. Exports the glue does not read (`main`,
//     ...) keep their names, as does `memory`: the page's init script hands the exports
//     object to the host (the TrunkApplicationStarted event), and tests/perf/soak.mjs
//     reads its `memory`. New names skip every word the glue already contains, and the
//     same build always gives the same bytes. Other sections (a "name" section, if a build
//     kept one) are copied as they are.
//   - the glue's `initSync` export is dropped (see dropInitSync): trunk starts the module
//     with the default export.
//   - trunk wrote Subresource Integrity hashes (`integrity=sha384-...`) of the original
//     files into index.html (the glue's modulepreload link and the wasm's preload link),
//     and a browser refuses a preloaded file whose hash differs, so those are recomputed.
//     The init script trunk inlines names the files but carries no hash.
// File names keep trunk's hash of the original content; since this rewrite is
// deterministic, they still change exactly when the content does.
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

/** Reads a vector of `what`s at the start of `section` with `readOne(pos) -> [entry, next]`. */
function readVector(bytes, section, what, readOne) {
  let [count, p] = readU32(bytes, section.body, `${what} count`);
  const entries = [];
  for (let i = 0; i < count; i++) {
    let entry;
    [entry, p] = readOne(p);
    if (p > section.end) fail(`wasm: ${what} section entries run past its end`);
    entries.push(entry);
  }
  if (p !== section.end) fail(`wasm: ${what} section has ${section.end - p} stray bytes after ${count} entries`);
  return entries;
}

/** The one section with this id (import: 2, export: 7). */
function oneSection(sections, id, what) {
  const found = sections.filter((s) => s.id === id);
  if (found.length !== 1) fail(`wasm: expected one ${what} section, found ${found.length}`);
  return found[0];
}

/**
 * Splits a wasm binary into its sections and parses the import and export sections:
 * { sections: [{ id, start, body, end }] (start..end spans the whole section),
 *   importSection, imports: [{ module, field, desc: Uint8Array }],
 *   exportSection, exports: [{ name, kind, index }], hasNames (a "name" custom section) }.
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
  const importSection = oneSection(sections, 2, 'import');
  const imports = readVector(bytes, importSection, 'import', (p) => {
    let module;
    let field;
    [module, p] = readName(bytes, p, 'import module name');
    [field, p] = readName(bytes, p, 'import field name');
    const descStart = p;
    p = skipImportDesc(bytes, p);
    return [{ module, field, desc: bytes.subarray(descStart, p) }, p];
  });
  const exportSection = oneSection(sections, 7, 'export');
  const exports = readVector(bytes, exportSection, 'export', (p) => {
    let name;
    let index;
    [name, p] = readName(bytes, p, 'export name');
    const kind = bytes[p++];
    if (kind === undefined || kind > 0x04) fail(`wasm: unknown export kind 0x${kind?.toString(16)} of ${name}`);
    [index, p] = readU32(bytes, p, 'export index');
    return [{ name, kind, index }, p];
  });
  const hasNames = sections.some((s) => s.id === 0 && readName(bytes, s.body, 'custom section name')[0] === 'name');
  return { sections, importSection, imports, exportSection, exports, hasNames };
}

const encoder = new TextEncoder();
/** A wasm name: LEB128 byte length, then UTF-8. */
const encodeName = (s) => {
  const utf8 = encoder.encode(s);
  return [encodeU32(utf8.length), utf8];
};

/** A section with this id and body (parts), its size as LEB128. */
function encodeSection(id, parts) {
  const length = parts.reduce((n, part) => n + part.length, 0);
  return [Uint8Array.of(id), encodeU32(length), ...parts];
}

/**
 * The same module with its import and export sections replaced by `imports` and `exports`
 * (LEB128 sizes redone); every other section is copied byte for byte, in place.
 */
function rewriteWasm(bytes, parsed, imports, exports) {
  const importBody = [encodeU32(imports.length)];
  for (const imp of imports) importBody.push(...encodeName(imp.module), ...encodeName(imp.field), imp.desc);
  const exportBody = [encodeU32(exports.length)];
  for (const exp of exports) exportBody.push(...encodeName(exp.name), Uint8Array.of(exp.kind), encodeU32(exp.index));
  const replaced = new Map([
    [parsed.importSection, encodeSection(2, importBody)],
    [parsed.exportSection, encodeSection(7, exportBody)],
  ]);
  const parts = [bytes.subarray(0, 8)];
  for (const section of parsed.sections) {
    parts.push(...(replaced.get(section) ?? [bytes.subarray(section.start, section.end)]));
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------
// Short names.

const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await async of get set arguments eval ' +
    // `then` too: the glue's init returns the exports object from an async function, so an
    // export named `then` would be called as if the object were a promise.
    'undefined NaN Infinity then').split(' '),
);
// The new name of the glue's import module ("./raft-viz_bg.js"): any string would do, and
// the identifier names below never take this one.
const MODULE = '_';
// Exports that keep their names although the glue reads them (see shrink()).
const KEPT_EXPORTS = new Set(['memory']);
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

/** `wasm.NAME` (whole identifiers), the glue's reads of the export NAME. */
const memberAccess = (name, flags = '') => new RegExp(`(?<![\\w$.])wasm\\.${escapeRegExp(name)}(?![\\w$])`, flags);

/**
 * Renames the import module in the glue's import object. The module name (without its
 * `./`) must occur once in the glue, as the quoted key of that object.
 */
function renameModuleInGlue(js, module) {
  const count = js.split(module.replace(/^\.\//, '')).length - 1;
  const key = new RegExp(`([{,]\\s*)(["'])${escapeRegExp(module)}\\2(\\s*:)`);
  if (count !== 1 || !key.test(js)) {
    fail(`js: the glue names the wasm import module ${module} ${count} times, expected once, as an import object key`);
  }
  return js.replace(key, `$1"${MODULE}"$3`);
}

/** Renames the glue's `wasm.OLD` reads of the exports (old name -> new name). */
function renameExportsInGlue(js, renames) {
  for (const [old, short] of renames) {
    const access = memberAccess(old, 'g');
    if (!access.test(js)) fail(`js: the glue never reads wasm.${old}`);
    js = js.replace(access, `wasm.${short}`);
  }
  return js;
}

// The glue also exports `initSync`, a synchronous start for hosts that compile the module
// themselves; trunk's init script (`import init, * as bindings`) starts it with the default
// export, and nothing else on the page imports the glue, so terser may drop `initSync` and
// what only it uses (its deprecated-argument warning among them).
const GLUE_EXPORTS = 'export { initSync, __wbg_init as default };';
function dropInitSync(js) {
  if (js.split(GLUE_EXPORTS).length !== 2) fail(`js: the glue does not end with "${GLUE_EXPORTS}" once`);
  return js.replace(GLUE_EXPORTS, 'export { __wbg_init as default };');
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
  if (glueModules.length !== 1) {
    fail(`wasm: expected imports from one ./*_bg.js module, found: ${modules.join(', ')} (already shrunk? rebuild first)`);
  }
  const glueModule = glueModules[0];
  if (modules.includes(MODULE)) fail(`wasm: an import module is already named ${MODULE}`);

  const fields = [...new Set(parsed.imports.filter((i) => i.module === glueModule).map((i) => i.field))];
  const notBindgen = fields.filter((f) => !/^__wbg|^__wbindgen/.test(f));
  if (notBindgen.length) {
    fail(`wasm: import ${notBindgen[0]} is not a wasm-bindgen name (already shrunk? rebuild first)`);
  }

  // The exports the glue reaches as `wasm.NAME`, but `memory`: the page's init script hands
  // the exports object to the host (TrunkApplicationStarted), and tests/perf/soak.mjs reads
  // its `memory`. Exports the glue does not name (`main`, ...) keep their names too.
  if (!/(?<![\w$.])wasm = instance\.exports;/.test(js)) fail('js: the glue does not set `wasm = instance.exports;`');
  const exportNames = parsed.exports.map((e) => e.name);
  if (new Set(exportNames).size !== exportNames.length) fail('wasm: two exports have the same name');
  const renamedExports = exportNames.filter((name) => !KEPT_EXPORTS.has(name) && memberAccess(name).test(js));
  const unread = exportNames.find((name) => /[0-9a-f]{16}/.test(name) && !renamedExports.includes(name));
  if (unread) fail(`js: the wasm exports the hashed ${unread}, but the glue never reads wasm.${unread}`);

  // No other file of the page may name what changes: the module and the renamed exports.
  const others = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .filter((file) => ![join(dir, wasmName), join(dir, jsName)].includes(file));
  for (const file of others) {
    const text = readFileSync(file, 'latin1');
    for (const name of [glueModule.replace(/^\.\//, ''), ...renamedExports]) {
      if (text.includes(name)) fail(`${file} names ${name}, which this script renames`);
    }
  }

  // Short names in export order, then in import order (the glue reads the exports more
  // often than it names the imports: the other way round costs 20 B gzipped), skipping
  // reserved words and every word already in the glue or among the wasm's import and
  // export names.
  const taken = words(js);
  for (const imp of parsed.imports) taken.add(imp.field);
  for (const name of exportNames) taken.add(name);
  const gen = identifiers();
  const nextName = () => {
    let short;
    do short = gen.next().value; while (RESERVED.has(short) || taken.has(short));
    return short;
  };
  const exportRenames = new Map(renamedExports.map((name) => [name, nextName()]));
  const renames = new Map(fields.map((field) => [field, nextName()]));

  const newImports = parsed.imports.map((i) => (i.module === glueModule ? { ...i, module: MODULE, field: renames.get(i.field) } : i));
  const newExports = parsed.exports.map((e) => ({ ...e, name: exportRenames.get(e.name) ?? e.name }));
  const newWasm = rewriteWasm(wasm, parsed, newImports, newExports);
  // Check the result: it must compile, import and export exactly the new names, and keep
  // every other section as it was.
  let compiled;
  try {
    compiled = new WebAssembly.Module(newWasm);
  } catch (err) {
    fail(`wasm: the rewritten module does not validate: ${err.message}`);
  }
  const got = WebAssembly.Module.imports(compiled).map((i) => `${i.module}\0${i.name}`).join('\n');
  if (got !== newImports.map((i) => `${i.module}\0${i.field}`).join('\n')) fail('wasm: rewritten imports differ from the plan');
  const KINDS = ['function', 'table', 'memory', 'global', 'tag'];
  const gotExports = WebAssembly.Module.exports(compiled).map((e) => `${e.name}\0${e.kind}`).join('\n');
  if (gotExports !== newExports.map((e) => `${e.name}\0${KINDS[e.kind]}`).join('\n')) {
    fail('wasm: rewritten exports differ from the plan');
  }
  const reparsed = parseWasm(newWasm);
  const rest = (p, bytes) => p.sections.filter((s) => s.id !== 2 && s.id !== 7).map((s) => bytes.subarray(s.start, s.end));
  const [restBefore, restAfter] = [rest(parsed, wasm), rest(reparsed, newWasm)];
  if (restBefore.length !== restAfter.length || restBefore.some((b, i) => !b.equals(restAfter[i]))) {
    fail('wasm: the rewrite changed a section other than imports and exports');
  }
  if (reparsed.exports.some((e, i) => e.kind !== parsed.exports[i].kind || e.index !== parsed.exports[i].index)) {
    fail('wasm: the rewrite changed what an export points at');
  }

  const newJs = await minifyJs(dropInitSync(renameExportsInGlue(renameModuleInGlue(renameInGlue(js, renames), glueModule), exportRenames)));
  // The minified glue must still provide every new name as a key (terser keeps keys).
  const lost = [...renames.values(), MODULE].filter((s) => !new RegExp(`[{,]${escapeRegExp(s)}:`).test(newJs));
  if (lost.length) fail(`js: the minified glue lost the import key ${lost[0]}`);
  // It must read every renamed export by its new name and name no old one anywhere: terser
  // has given the glue's own functions of the same names (the closure invoke wrappers) short
  // local names, so an old name left over is a use this script did not rename.
  for (const [old, short] of exportRenames) {
    if (new RegExp(`(?<![\\w$])${escapeRegExp(old)}(?![\\w$])`).test(newJs)) {
      fail(`js: the glue names the wasm export ${old} other than as wasm.${old}`);
    }
    if (!new RegExp(`\\.${short}(?![\\w$])`).test(newJs)) fail(`js: the minified glue never reads the export ${short} (${old})`);
  }
  if (newJs.includes(glueModule.replace(/^\.\//, ''))) fail(`js: the minified glue still names ${glueModule}`);

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
    `shrink-glue: ${renames.size} imports and ${exportRenames.size} exports renamed; ${jsName} ${js.length} -> ${newJs.length} B, ` +
      `${wasmName} ${wasm.length} -> ${newWasm.length} B${parsed.hasNames ? ' (its "name" section kept as it was)' : ''}; integrity updated for ${updated.length ? updated.join(', ') : 'nothing'}`,
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
