#!/usr/bin/env node
// Shrinks the JS glue that wasm-bindgen writes, after trunk has staged a release build.
// Runs as the trunk `post_build` hook declared in Trunk.toml; by hand:
//   node scripts/shrink-glue.mjs DIR     (DIR: a built dist/, e.g. target/measure-dist)
//
// Why: the page has a 100 KB gzip budget, and the glue is shipped as wasm-bindgen wrote it.
// What: it minifies the glue with terser (trunk's own JS minifier fails on it), gives the
// wasm's imports, their module and the exports the glue reads short names in both the wasm
// and the glue, drops the glue's `initSync` export, and redoes the Subresource Integrity
// hashes of index.html. No other file of the page may name what is renamed.
// File names keep trunk's hash of the original content; since this rewrite is
// deterministic, they still change exactly when the content does.
//
// When: trunk 0.21.14 runs post_build hooks with the working directory at the project root
// (where Trunk.toml is), after it has written index.html into the staging dir
// (TRUNK_STAGING_DIR, <dist>/.stage) and before it moves the stage into <dist>; a hook that
// fails fails the build and <dist> keeps the previous build. Debug builds (TRUNK_PROFILE=
// debug, as in plain `trunk serve`) are left as they are, readable. Nothing is written
// until every file has been rewritten and checked, so a failure leaves the files untouched.
//
// The parts, each in scripts/shrink-glue/, each with its why at its top:
//   wasm.mjs       reading and rewriting the wasm's import and export sections
//   names.mjs      which names change, and the short names they get
//   glue.mjs       renaming in the glue, dropping `initSync`, minifying with terser
//   integrity.mjs  the SRI hashes in index.html
//   fail.mjs       the one-line failure
// This file reads the stage, plans the renames, checks every result and only then writes.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ShrinkError, fail } from './shrink-glue/fail.mjs';
import {
  dropInitSync,
  escapeRegExp,
  memberAccess,
  minifyJs,
  renameExportsInGlue,
  renameInGlue,
  renameModuleInGlue,
} from './shrink-glue/glue.mjs';
import { sri, updateIntegrity } from './shrink-glue/integrity.mjs';
import { KEPT_EXPORTS, MODULE, RESERVED, identifiers, words } from './shrink-glue/names.mjs';
import { parseWasm, rewriteWasm } from './shrink-glue/wasm.mjs';

async function shrink(dir) {
  const names = readdirSync(dir);
  if (!names.includes('index.html')) fail(`no index.html in ${dir}`);
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  // The main page's wasm: the one index.html names (the article's figures have their own,
  // left as it is).
  const wasmNames = names.filter((n) => n.endsWith('_bg.wasm') && html.includes(n));
  if (wasmNames.length !== 1) {
    fail(`expected one *_bg.wasm named in index.html in ${dir}, found ${wasmNames.length ? wasmNames.join(', ') : 'none'}`);
  }
  const wasmName = wasmNames[0];
  const jsName = wasmName.replace(/_bg\.wasm$/, '.js');
  if (!names.includes(jsName)) fail(`no JS glue ${jsName} beside ${wasmName} in ${dir}`);

  const wasm = readFileSync(join(dir, wasmName));
  const js = readFileSync(join(dir, jsName), 'utf8');

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
    .filter((file) => ![join(dir, wasmName), join(dir, jsName)].includes(file))
    // Another wasm build and its own glue (the article's figures), which this leaves alone.
    .filter((file) => !/_bg\.wasm$/.test(file) && !existsSync(file.replace(/\.js$/, '_bg.wasm')));
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
