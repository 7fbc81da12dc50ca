// Reading and rewriting a wasm module's import and export sections: LEB128, the section
// list, names; every other section (a "name" section, if a build kept one) is copied byte
// for byte.
//
// Why by hand and not binaryen's `wasm-opt --minify-imports-and-exports-and-modules`: that
// pass renames every export, `memory` and `main` included (the host reads them), and
// re-encoding the module with binaryen 132 alone adds about 140 B raw, 86 B gzipped.
// Measured on one build (gzip -9, wasm + minified glue): this script 95,922 B; binaryen's
// names with the glue renamed to match 96,004 B, and 96,062 B with `memory` and the exports
// the glue does not read renamed back.
import { fail } from './fail.mjs';

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
export function parseWasm(bytes) {
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
export function rewriteWasm(bytes, parsed, imports, exports) {
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
