// Subresource Integrity in index.html: the hashes of the rewritten files.
//
// Why: trunk wrote Subresource Integrity hashes (`integrity=sha384-...`) of the original
// files into index.html (the glue's modulepreload link and the wasm's preload link), and a
// browser refuses a preloaded file whose hash differs, so those are recomputed. The init
// script trunk inlines names the files but carries no hash.
import { createHash } from 'node:crypto';

import { fail } from './fail.mjs';

const ATTR = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export function sri(algorithm, bytes) {
  return `${algorithm}-${createHash(algorithm).update(bytes).digest('base64')}`;
}

/**
 * Rewrites the integrity attribute of every <link>/<script> whose href/src names one of
 * `files` (file name -> new bytes); returns [html, names updated]. Other integrity
 * attributes (the favicon's) are left as they are.
 */
export function updateIntegrity(html, files) {
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
