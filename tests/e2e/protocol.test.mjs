// The sandbox's protocol panel end to end: a preset picked in the panel changes
// snapshot().protocol, a switch ticked by hand makes it custom, the share link carries
// the change (in a=) and the starting protocol (protocol=), and raftviz.command sets it
// too, refusing an unknown switch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { collectErrors, usePage } from './browser.mjs';

const suite = usePage(before, after);

async function open(query) {
  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  await page.goto(`${suite.server.url}${query}`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.raftviz?.snapshot);
  return { page, errors };
}

const snapshot = (page) => page.evaluate(() => window.raftviz.snapshot());
const protocol = async (page) => (await snapshot(page)).protocol;
const boxes = (page) =>
  page.$$eval('#rv-protocol input[type=checkbox]', (els) => els.map((e) => [e.value, e.checked]));

test('a preset picked in the panel is the protocol in force, and the share link reopens it', async () => {
  const { page, errors } = await open('?seed=9&speed=1');
  assert.deepEqual(await protocol(page), {
    preset: 'basic', preVote: false, checkQuorum: false, noop: false, immediate: false,
    unsafe: { fixedElectionTimeout: false, skipLogUpToDateCheck: false, commitOldTermsByCounting: false },
  });
  await page.click('#rv-protocol summary');
  assert.equal(await page.textContent('#rv-proto-name'), 'Basic');
  await page.waitForTimeout(400);

  await page.selectOption('#rv-preset', 'full');
  const full = await protocol(page);
  assert.equal(full.preset, 'full');
  assert.ok(full.preVote && full.checkQuorum && full.noop && full.immediate, JSON.stringify(full));
  assert.equal(await page.textContent('#rv-proto-name'), 'Full');
  assert.deepEqual(
    (await boxes(page)).filter(([, on]) => on).map(([name]) => name),
    ['pre-vote', 'check-quorum', 'noop', 'immediate'],
  );

  // One box by hand: the switches match no preset any more.
  await page.waitForTimeout(300);
  await page.click('#rv-protocol label:has(input[value=check-quorum])');
  const custom = await protocol(page);
  assert.equal(custom.preset, 'custom');
  assert.equal(custom.checkQuorum, false);
  assert.equal(await page.inputValue('#rv-preset'), 'custom');
  assert.equal(await page.textContent('#rv-proto-name'), 'Custom');

  // An unsafe rule turns the card red.
  await page.click('#rv-protocol label:has(input[value=no-log-check])');
  assert.equal((await protocol(page)).unsafe.skipLogUpToDateCheck, true);
  assert.equal(await page.getAttribute('#rv-protocol', 'data-unsafe'), '');
  await page.screenshot({ path: join(suite.shots, 'protocol-panel.png') });
  const shown = await protocol(page);

  // The run started on Basic: the changes are actions in a=, and the link replays them.
  await page.click('#rv-panel .actions [data-cmd="share"]');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('protocol'), null, url.href);
  assert.ok(url.searchParams.get('a'), url.href);
  const { page: copy, errors: copyErrors } = await open(url.search);
  assert.deepEqual(await protocol(copy), shown);
  await copy.click('#rv-protocol summary');
  assert.deepEqual(await boxes(copy), await boxes(page));
  assert.deepEqual([...errors, ...copyErrors], []);
  await page.close();
  await copy.close();
});

test('a starting protocol from the URL round-trips through the share link', async () => {
  const { page, errors } = await open('?seed=4&protocol=pre-vote,noop');
  const start = await protocol(page);
  assert.equal(start.preset, 'custom');
  assert.ok(start.preVote && start.noop && !start.checkQuorum, JSON.stringify(start));
  await page.click('#rv-panel .actions [data-cmd="share"]');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('protocol'), 'pre-vote,noop', url.href);
  const { page: copy, errors: copyErrors } = await open(url.search);
  assert.deepEqual(await protocol(copy), start);

  // A bad value is a notice, and the run starts on Basic.
  const { page: bad, errors: badErrors } = await open('?seed=4&protocol=paxos');
  assert.equal((await protocol(bad)).preset, 'basic');
  assert.match(await bad.textContent('#rv-notices'), /protocol=paxos: use basic, full, unsafe/);
  assert.deepEqual([...errors, ...copyErrors, ...badErrors], []);
  await Promise.all([page.close(), copy.close(), bad.close()]);
});

test('raftviz.command sets a preset or some switches, and names an unknown switch', async () => {
  const { page, errors } = await open('?seed=6');
  const after = await page.evaluate(() => {
    window.raftviz.command({ type: 'protocol', preset: 'unsafe' });
    window.raftviz.command({ type: 'protocol', switches: { preVote: true, fixedElectionTimeout: false } });
    return window.raftviz.snapshot().protocol;
  });
  assert.deepEqual(after, {
    preset: 'custom', preVote: true, checkQuorum: false, noop: false, immediate: false,
    unsafe: { fixedElectionTimeout: false, skipLogUpToDateCheck: true, commitOldTermsByCounting: true },
  });
  // The panel follows a command too.
  await page.click('#rv-protocol summary');
  await page.waitForFunction(() => document.querySelector('#rv-protocol input[value=pre-vote]').checked);
  const thrown = await page.evaluate(() => {
    try {
      window.raftviz.command({ type: 'protocol', switches: { quorum: true } });
      return null;
    } catch (e) {
      return e.message;
    }
  });
  assert.match(thrown ?? '', /unknown key `quorum` in `switches`/);
  const wrong = await page.evaluate(() => {
    try {
      window.raftviz.command({ type: 'protocol', preset: 'paxos' });
      return null;
    } catch (e) {
      return e.message;
    }
  });
  assert.match(wrong ?? '', /the presets are basic, full and unsafe/);
  assert.equal((await protocol(page)).preVote, true, 'nothing changed');
  assert.deepEqual(errors, []);
  await page.close();
});
