// Page weight is a gate: a default page load of the release build (dist/) must transfer
// no more than the budget in tests/page-budget.json, counted as ../shared/tools/page-cost.mjs
// counts it: each distinct html, js, css or wasm file gzipped at level 9, anything else
// (fonts, images) as served. The Chinese catalogue is fetched only for Chinese readers,
// and the appendix (the English of the tour's chapter beyond the article) only when a
// reader opens one of its scenes, so the default page counts neither.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { collectErrors, usePage } from './browser.mjs';

const suite = usePage(before, after);
const budgetFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'page-budget.json');
const { bytesGzTotal: budget } = JSON.parse(readFileSync(budgetFile, 'utf8'));

const isCode = (type, contentType = '') =>
  ['document', 'script', 'stylesheet'].includes(type) ||
  /javascript|wasm|text\/html|text\/css/.test(contentType);

test('the default page weighs no more than the budget in tests/page-budget.json', async () => {
  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(suite.server.url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.raftviz?.snapshot);
  // Give late requests (a font, a catalogue) the time to show up.
  await page.waitForTimeout(1_000);
  // As page-cost.mjs: every successful response (the static server never redirects), the
  // first of each code URL gzipped at level 9, anything else (a code URL again too) as served.
  const seen = new Set();
  let total = 0;
  const files = [];
  for (const r of responses.filter((r) => r.ok())) {
    const body = await r.body();
    const code = isCode(r.request().resourceType(), r.headers()['content-type']) && !seen.has(r.url());
    seen.add(r.url());
    const bytes = code ? gzipSync(body, { level: 9 }).length : body.length;
    total += bytes;
    files.push(`${r.url().replace(suite.server.url, '/')} ${bytes}`);
  }
  console.log(`page weight: ${total} B (budget ${budget} B): ${files.join(', ')}`);
  assert.ok(!files.some((f) => f.includes('zh.txt')), 'an English page fetched the Chinese catalogue');
  assert.ok(!files.some((f) => f.includes('beyond.txt')), 'the article\'s tour fetched the appendix');
  assert.ok(!files.some((f) => f.includes('takeaway')), 'the page fetched the pictures\' module before a reader asked');
  assert.ok(
    total <= budget,
    `the page weighs ${total} B gzipped, over the budget of ${budget} B in tests/page-budget.json (${files.join(', ')})`,
  );
  assert.deepEqual(errors, []);
  await page.close();
});
