// The JS glue: renaming the imports, their module and the exports the glue reads,
// dropping `initSync`, and minifying with terser.
//
// Why terser: trunk 0.21's own JS minifier (the minify-js crate, behind `minify =
// "on_release"`) cannot parse the glue's `export { initSync, __wbg_init as default }` (it
// logs "Failed to minify JS: RequiredTokenNotFound(Identifier)") and ships the file as it
// is, so terser minifies it here instead: module mode, compress, and mangling of local
// names only; property names, and so the import keys and `wasm.<export>` accesses, are
// kept, which is why the renames below are done on the glue's text first.
// Why `initSync` goes: see dropInitSync. Every rename here fails rather than guess when the
// glue has a shape it does not know.
import { SETUP_HINT, fail } from './fail.mjs';
import { MODULE } from './names.mjs';

export const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Renames the keys of the glue's import object. Every whole-identifier occurrence of an old
 * name must be an object key (after `{` or `,`, before `:`): anything else means the glue
 * has a shape this script does not know, and renaming could break it.
 */
export function renameInGlue(js, renames) {
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
export const memberAccess = (name, flags = '') => new RegExp(`(?<![\\w$.])wasm\\.${escapeRegExp(name)}(?![\\w$])`, flags);

/**
 * Renames the import module in the glue's import object. The module name (without its
 * `./`) must occur once in the glue, as the quoted key of that object.
 */
export function renameModuleInGlue(js, module) {
  const count = js.split(module.replace(/^\.\//, '')).length - 1;
  const key = new RegExp(`([{,]\\s*)(["'])${escapeRegExp(module)}\\2(\\s*:)`);
  if (count !== 1 || !key.test(js)) {
    fail(`js: the glue names the wasm import module ${module} ${count} times, expected once, as an import object key`);
  }
  return js.replace(key, `$1"${MODULE}"$3`);
}

/** Renames the glue's `wasm.OLD` reads of the exports (old name -> new name). */
export function renameExportsInGlue(js, renames) {
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
export function dropInitSync(js) {
  if (js.split(GLUE_EXPORTS).length !== 2) fail(`js: the glue does not end with "${GLUE_EXPORTS}" once`);
  return js.replace(GLUE_EXPORTS, 'export { __wbg_init as default };');
}

export async function minifyJs(js) {
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
