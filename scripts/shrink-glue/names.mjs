// Short names for the imports and exports: a, b, ..., Z, aa, ...; never a JS reserved
// word, `then`, or a word the glue already contains.
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
