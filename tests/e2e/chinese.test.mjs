// The page in Chinese, the source article's language: its text (www/zh.txt) is fetched
// only when a reader asks for it, and then every control, the feed and the notices are
// in Chinese. English readers never download it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { collectErrors, usePage } from './browser.mjs';

const suite = usePage(before, after);
const shots = suite.shots;

/** Opens `query`, recording every URL the page requests; waits for the JS API. */
async function open(query) {
  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  const requested = [];
  page.on('request', (req) => requested.push(new URL(req.url()).pathname));
  await page.goto(suite.server.url + query, { waitUntil: 'load' });
  await page.waitForFunction(() => window.raftviz && typeof window.raftviz.snapshot === 'function', null, { timeout: 15_000 });
  return { page, errors, requested };
}

const hasChinese = (s) => /[\u4e00-\u9fff]/.test(s);

/** The text of every labelled control (data-l) and the play button; the client's
 * commands `set` and `add` are the same in both languages. */
const labels = (page) => page.evaluate(() =>
  [...document.querySelectorAll('[data-l], #rv-play-label')].map((el) => el.textContent.trim())
    .filter((t) => t && t !== 'set' && t !== 'add'));

test('an English reader never downloads the Chinese text', async () => {
  const { page, errors, requested } = await open('?seed=3');
  await page.waitForTimeout(500);
  assert.ok(!requested.some((p) => p.endsWith('/zh.txt')), `requested: ${requested.join(', ')}`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.deepEqual(errors, []);
  await page.close();
});

test('?lang=zh fetches the Chinese text and shows the controls, feed and notices in Chinese', async () => {
  // nodes=50 is refused: its notice must be in Chinese too, so the page started after
  // the text arrived.
  const { page, errors, requested } = await open('?lang=zh&seed=3&nodes=50&autoplay=1&speed=1');
  assert.ok(requested.some((p) => p.endsWith('/zh.txt')), 'zh.txt was fetched');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  const shown = await labels(page);
  assert.ok(shown.length > 20, `labels: ${shown.length}`);
  const english = shown.filter((t) => /[A-Za-z]{3,}/.test(t) && !hasChinese(t));
  assert.deepEqual(english, [], 'every label is in Chinese');
  const notices = await page.locator('#rv-notices').innerText();
  assert.ok(notices.includes('nodes=50') && hasChinese(notices), `notice: ${notices}`);
  // A leader is elected, and the feed tells it in Chinese.
  await page.waitForFunction(() => window.raftviz.snapshot().nodes.some((n) => n.role === 'leader'), null, { timeout: 15_000 });
  await page.waitForTimeout(700);
  const feed = await page.locator('#rv-feed').innerText();
  assert.ok(hasChinese(feed), `feed: ${feed.slice(0, 300)}`);
  await page.screenshot({ path: join(shots, 'chinese.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('switching to Chinese on a running page fetches the text and relabels everything', async () => {
  const { page, errors, requested } = await open('?seed=3&autoplay=0');
  assert.equal(await page.locator('#rv-play-label').innerText(), 'Play');
  await page.evaluate(() => window.raftviz.command({ type: 'lang', lang: 'zh' }));
  await page.waitForFunction(() => document.getElementById('rv-play-label').textContent === '播放', null, { timeout: 5_000 });
  assert.ok(requested.some((p) => p.endsWith('/zh.txt')));
  const english = (await labels(page)).filter((t) => /[A-Za-z]{3,}/.test(t) && !hasChinese(t));
  assert.deepEqual(english, [], 'every label is in Chinese');
  // And back: English needs nothing fetched.
  await page.evaluate(() => window.raftviz.command({ type: 'lang', lang: 'en' }));
  assert.equal(await page.locator('#rv-play-label').innerText(), 'Play');
  assert.deepEqual(errors, []);
  await page.close();
});

test('without its Chinese text (zh.txt unreachable) the page still starts, in English, and says why', async () => {
  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  await page.route('**/zh.txt', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(suite.server.url + '?lang=zh&seed=3', { waitUntil: 'load' });
  await page.waitForFunction(() => window.raftviz && typeof window.raftviz.snapshot === 'function', null, { timeout: 15_000 });
  const notices = await page.locator('#rv-notices').innerText();
  assert.match(notices, /Chinese text could not be loaded \(zh\.txt: HTTP 404\)/);
  assert.equal(await page.locator('#rv-play-label').innerText().then((t) => /^(Play|Pause)$/.test(t)), true);
  assert.equal((await page.evaluate(() => window.raftviz.snapshot())).nodes.length, 5);
  // The browser logs the failed request itself; the page adds no error of its own.
  assert.deepEqual(errors.filter((e) => !/404/.test(e)), []);
  await page.close();
});
