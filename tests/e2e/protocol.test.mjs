// The sandbox's protocol panel end to end: a preset picked in the panel changes
// snapshot().protocol, a switch ticked by hand makes it custom, the share link carries
// the change (in a=) and the starting protocol (protocol=), and raftviz.command sets it
// too, refusing an unknown switch. Single-server changes (JS: joint) and the snapshot
// threshold (snapshotEvery) go the same ways: panel, command, URL and share link.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { command, snapshot, usePage } from './browser.mjs';

const suite = usePage(before, after);

const open = suite.open;

const protocol = async (page) => (await snapshot(page)).protocol;
const boxes = (page) =>
  page.$$eval('#rv-protocol input[type=checkbox]', (els) => els.map((e) => [e.value, e.checked]));

test('a preset picked in the panel is the protocol in force, and the share link reopens it', async () => {
  const { page, errors } = await open('?seed=9&speed=1');
  assert.deepEqual(await protocol(page), {
    preset: 'basic', preVote: false, checkQuorum: false, noop: false, immediate: false,
    joint: true, snapshotEvery: 0,
    unsafe: {
      fixedElectionTimeout: false, skipLogUpToDateCheck: false, commitOldTermsByCounting: false,
      uncheckedMembershipChanges: false, snapshotDiscardsLogSuffix: false,
    },
  });
  await page.click('#rv-protocol summary');
  assert.equal(await page.textContent('#rv-proto-name'), 'Basic');
  await page.waitForTimeout(400);

  await page.selectOption('#rv-preset', 'full');
  const full = await protocol(page);
  assert.equal(full.preset, 'full');
  assert.ok(full.preVote && full.checkQuorum && full.noop && full.immediate, JSON.stringify(full));
  assert.ok(full.joint && full.snapshotEvery === 8, JSON.stringify(full));
  assert.equal(await page.inputValue('#rv-snapshot-every'), '8');
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
    joint: true, snapshotEvery: 0,
    unsafe: {
      fixedElectionTimeout: false, skipLogUpToDateCheck: true, commitOldTermsByCounting: true,
      uncheckedMembershipChanges: true, snapshotDiscardsLogSuffix: true,
    },
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

// Reads what a command throws, or null.
const thrownBy = (page, cmd) =>
  page.evaluate((c) => {
    try {
      window.raftviz.command(c);
      return null;
    } catch (e) {
      return e.message;
    }
  }, cmd);

test('single-server changes and the snapshot threshold, from the panel, into a share link and back', async () => {
  const { page, errors } = await open('?seed=5&speed=1');
  await page.click('#rv-protocol summary');
  await page.waitForTimeout(300);
  await page.click('#rv-protocol label:has(input[value=single-server])');
  assert.equal((await protocol(page)).joint, false);
  await page.fill('#rv-snapshot-every', '20');
  await page.press('#rv-snapshot-every', 'Tab');
  const set = await protocol(page);
  assert.equal(set.snapshotEvery, 20, JSON.stringify(set));
  assert.equal(set.preset, 'custom');

  // A bad number is refused, said, and the box shows the threshold in force again.
  await page.fill('#rv-snapshot-every', '-3');
  await page.press('#rv-snapshot-every', 'Tab');
  assert.match(await page.textContent('#rv-notices'), /snapshot threshold is a whole number/);
  assert.equal(await page.inputValue('#rv-snapshot-every'), '20');
  assert.equal((await protocol(page)).snapshotEvery, 20);

  // The two new unsafe rules sit in the red box.
  await page.click('#rv-protocol .unsafe label:has(input[value=two-changes])');
  await page.click('#rv-protocol .unsafe label:has(input[value=snapshot-drops-log])');
  const shown = await protocol(page);
  assert.ok(shown.unsafe.uncheckedMembershipChanges && shown.unsafe.snapshotDiscardsLogSuffix);
  assert.equal(await page.getAttribute('#rv-protocol', 'data-unsafe'), '');

  await page.click('#rv-panel .actions [data-cmd="share"]');
  const url = new URL(page.url());
  assert.ok(url.searchParams.get('a'), url.href);
  const { page: copy, errors: copyErrors } = await open(url.search);
  assert.deepEqual(await protocol(copy), shown);
  await copy.click('#rv-protocol summary');
  assert.deepEqual(await boxes(copy), await boxes(page));
  assert.equal(await copy.inputValue('#rv-snapshot-every'), '20');
  assert.deepEqual([...errors, ...copyErrors], []);
  await Promise.all([page.close(), copy.close()]);
});

test('raftviz.command sets joint and snapshotEvery, the panel follows, and bad values are named', async () => {
  const { page, errors } = await open('?seed=6');
  const after = await page.evaluate(() => {
    window.raftviz.command({ type: 'protocol', preset: 'full', switches: { joint: false, snapshotEvery: 12 } });
    return window.raftviz.snapshot().protocol;
  });
  assert.equal(after.preset, 'custom');
  assert.ok(after.preVote && !after.joint && after.snapshotEvery === 12, JSON.stringify(after));
  await page.click('#rv-protocol summary');
  await page.waitForFunction(() => document.querySelector('#rv-protocol input[value=single-server]').checked);
  assert.equal(await page.inputValue('#rv-snapshot-every'), '12');
  for (const bad of [-1, 2.5, 10001, '8', null]) {
    const message = await thrownBy(page, { type: 'protocol', switches: { snapshotEvery: bad } });
    if (bad === null) {
      assert.match(message ?? '', /switches\.snapshotEvery/, String(bad));
    } else {
      assert.match(
        message ?? '',
        /invalid value for `switches\.snapshotEvery`: expected a whole number of entries from 0 \(never\) to 10000/,
        String(bad),
      );
    }
  }
  assert.match(
    (await thrownBy(page, { type: 'protocol', switches: { joint: 'no' } })) ?? '',
    /invalid value for `switches\.joint`: expected a boolean/,
  );
  assert.deepEqual(await protocol(page), after, 'nothing changed');
  // joint: true is the paper's joint consensus again.
  await page.evaluate(() => window.raftviz.command({ type: 'protocol', switches: { joint: true } }));
  assert.equal((await protocol(page)).joint, true);
  await page.evaluate(() => window.raftviz.command({ type: 'protocol', switches: { joint: false } }));

  await page.click('#rv-panel .actions [data-cmd="share"]');
  const url = new URL(page.url());
  const { page: copy, errors: copyErrors } = await open(url.search);
  assert.deepEqual(await protocol(copy), await protocol(page));
  assert.deepEqual([...errors, ...copyErrors], []);
  await Promise.all([page.close(), copy.close()]);
});

test('a starting threshold and single-server changes from the URL round-trip; a bad threshold is a notice', async () => {
  const { page, errors } = await open('?seed=4&protocol=single-server,snapshot-every=20');
  const start = await protocol(page);
  assert.ok(!start.joint && start.snapshotEvery === 20, JSON.stringify(start));
  await page.click('#rv-panel .actions [data-cmd="share"]');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('protocol'), 'single-server,snapshot-every=20', url.href);
  const { page: copy, errors: copyErrors } = await open(url.search);
  assert.deepEqual(await protocol(copy), start);

  const { page: bad, errors: badErrors } = await open('?seed=4&protocol=snapshot-every=lots');
  assert.equal((await protocol(bad)).preset, 'basic');
  assert.match(
    await bad.textContent('#rv-notices'),
    /protocol=snapshot-every=lots: snapshot-every is a whole number of entries from 0 \(never\) to 10000; using basic\./,
  );
  assert.deepEqual([...errors, ...copyErrors, ...badErrors], []);
  await Promise.all([page.close(), copy.close(), bad.close()]);
});
