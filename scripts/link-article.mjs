#!/usr/bin/env node
// Links the article page to the build's wasm: a trunk `post_build` hook (Trunk.toml), for
// every profile. By hand: node scripts/link-article.mjs DIR   (DIR: a built dist/)
//
// Why: trunk builds one page, index.html, and names each wasm and its JS glue after a hash
// of their content. article.html is copied as it is; its live figures run on a wasm of
// their own, the `raft-viz-figures` binary that index.html lists as a "worker" so that the
// main page never loads it (one instance for all the figures: see
// crates/raft-viz/src/web/figures.rs), so it must name this build's files. It holds one placeholder, `<script type="module" data-raftviz-glue>
// </script>`, which this script fills with the module that loads them.
//
// When: after trunk has staged the build in TRUNK_STAGING_DIR (and after
// scripts/shrink-glue.mjs in a release build, which keeps the file names). A missing file
// or placeholder fails the build with one line, so a broken article page never ships.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PLACEHOLDER = /<script type="?module"? data-raftviz-glue(?:="")?>\s*<\/script>/;

function fail(message) {
  console.error(`link-article: ${message}`);
  process.exit(1);
}

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) fail('no directory: pass one, or run as a trunk hook (TRUNK_STAGING_DIR)');
const names = readdirSync(dir);
// The figures' own binary (crates/raft-viz/src/figures_main.rs), not the main page's.
const wasm = names.filter((n) => /^raft-viz-figures(-[0-9a-f]+)?_bg\.wasm$/.test(n));
if (wasm.length !== 1) fail(`expected one raft-viz-figures*_bg.wasm in ${dir}, found ${wasm.join(', ') || 'none'}`);
const glue = wasm[0].replace(/_bg\.wasm$/, '.js');
if (!names.includes(glue)) fail(`no JS glue ${glue} beside ${wasm[0]} in ${dir}`);
if (!names.includes('article.html')) fail(`no article.html in ${dir}`);

const path = join(dir, 'article.html');
const html = readFileSync(path, 'utf8');
if (!PLACEHOLDER.test(html)) fail('article.html has no <script type="module" data-raftviz-glue></script>');
const script =
  `<script type="module" data-raftviz-glue>import init from './${glue}';` +
  `init({ module_or_path: './${wasm[0]}' });</script>`;
writeFileSync(path, html.replace(PLACEHOLDER, script));
