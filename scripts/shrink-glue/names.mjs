// Which names the hook changes, and the short names they get.
//
// Why: every import carries a 16-hex-digit hash (`__wbg_setAttribute_2704501201f15687`),
// once as a key of the glue's import object and once in the wasm import section, and every
// import (about 150) repeats the module name "./raft-viz_bg.js" in the wasm. The module
// becomes "_" (MODULE) and the imports get short names (`c`, `d`, ..., `aa`, ...) on both
// sides.
// The exports the glue reads as `wasm.NAME` have long names, some hashed too
// (`wasm_bindgen__convert__closures_____invoke__h73ee43ec0bed459a`, `__wbindgen_malloc`
// 11 times): they get short names in the wasm export section and in the glue, but for
// `memory` (KEPT_EXPORTS). The glue's own wrappers of the same names are local and terser
// renames them, so the minified glue must not name an old export anywhere, and no other
// file of the page may name one (or the module) at all (the entry point checks both).
// Exports the glue does not read (`main`, ...) keep their names, as does `memory`: the
// page's init script hands the exports object to the host (the TrunkApplicationStarted
// event), and tests/perf/soak.mjs reads its `memory`.
// New names are a, b, ..., Z, aa, ...: never a JS reserved word, `then`, or a word the glue
// already contains, and the same build always gives the same bytes.
export const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await async of get set arguments eval ' +
    // `then` too: the glue's init returns the exports object from an async function, so an
    // export named `then` would be called as if the object were a promise.
    'undefined NaN Infinity then').split(' '),
);
// The new name of the glue's import module ("./raft-viz_bg.js"): any string would do, and
// the identifier names below never take this one.
export const MODULE = '_';
// Exports that keep their names although the glue reads them (see shrink()).
export const KEPT_EXPORTS = new Set(['memory']);
const FIRST = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const REST = FIRST + '0123456789';

/** a, b, ..., Z, aa, ab, ...: every identifier of length 1, then 2, ... (letters first). */
export function* identifiers() {
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
export const words = (text) => new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? []);
