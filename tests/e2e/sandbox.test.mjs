// End-to-end tests of the sandbox in headless Chromium, driven through the page's JS API
// (window.raftviz: snapshot() and command()) and real keyboard and mouse input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { command, snapshot, usePage } from './browser.mjs';

const suite = usePage(before, after);
const shots = suite.shots;

/** Opens the page with `query`, waits for the API, and returns { page, errors }. */
const open = suite.open;


/** Waits until `pred(snapshot)` holds, polling the page. */
async function until(page, pred, what, timeout = 15_000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeout) {
    last = await snapshot(page);
    if (pred(last)) return last;
    await page.waitForTimeout(100);
  }
  assert.fail(`timed out waiting for ${what}; last snapshot: ${JSON.stringify(last).slice(0, 600)}`);
}

const leaderOf = (s) => s.nodes.find((n) => n.role === 'leader');

test('the default page shows five nodes and elects a leader within a few seconds, with no errors', async () => {
  const { page, errors } = await open('?seed=7');
  const first = await snapshot(page);
  assert.equal(first.nodes.length, 5);
  assert.deepEqual(first.nodes.map((n) => n.name), ['A', 'B', 'C', 'D', 'E']);
  assert.ok(first.nodes.every((n) => n.role === 'follower'));
  assert.equal(first.seed, '7');
  const s = await until(page, (s) => s.leader !== null, 'a leader at default speed', 12_000);
  assert.ok(leaderOf(s).term >= 1);
  await page.screenshot({ path: join(shots, 'sandbox-leader.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('crashing the leader gives a new leader in a higher term (§5.2)', async () => {
  const { page, errors } = await open('?seed=3&speed=1');
  const s1 = await until(page, (s) => s.leader !== null, 'a first leader');
  const old = leaderOf(s1);
  assert.equal(await command(page, { type: 'crash', node: old.name }), true);
  const s2 = await until(page, (s) => s.leader !== null && s.leader !== old.name, 'a new leader');
  assert.ok(leaderOf(s2).term > old.term, `new term ${leaderOf(s2).term} > ${old.term}`);
  assert.equal(s2.nodes.find((n) => n.name === old.name).role, 'crashed');
  assert.ok(s2.safe);
  await page.screenshot({ path: join(shots, 'sandbox-crash.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('set 5 reaches every node\'s value (article: log replication)', async () => {
  const { page, errors } = await open('?seed=5&speed=1');
  await until(page, (s) => s.leader !== null, 'a leader');
  await command(page, { type: 'set', value: 5 });
  const s = await until(page, (s) => s.nodes.every((n) => n.value === 5), 'every value 5');
  for (const n of s.nodes) {
    assert.ok(n.log.some((e) => e.command === 'set 5' && e.committed), `${n.name} committed set 5`);
  }
  await page.screenshot({ path: join(shots, 'sandbox-set5.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a minority partition cannot commit, and healing converges', async () => {
  const { page, errors } = await open('?seed=11&speed=1');
  const s1 = await until(page, (s) => s.leader !== null, 'a leader');
  const leader = leaderOf(s1).name;
  const others = s1.nodes.map((n) => n.name).filter((n) => n !== leader);
  const minority = [leader, others[0]];
  const majority = others.slice(1);
  await command(page, { type: 'partition', groups: [minority, majority] });
  await command(page, { type: 'set', value: 7, node: leader });
  // The majority elects its own leader; the old one cannot commit set 7.
  await until(page, (s) => s.nodes.some((n) => majority.includes(n.name) && n.role === 'leader'), 'a majority leader');
  await page.waitForTimeout(1_000);
  const s2 = await snapshot(page);
  const old = s2.nodes.find((n) => n.name === leader);
  assert.ok(old.log.some((e) => e.command === 'set 7' && !e.committed), 'set 7 sits uncommitted on the old leader');
  assert.ok(s2.nodes.filter((n) => minority.includes(n.name)).every((n) => n.value !== 7));
  await page.screenshot({ path: join(shots, 'sandbox-partition.png') });
  await command(page, { type: 'heal' });
  const s3 = await until(page, (s) => s.nodes.every((n) => n.value === 7), 'every node applies set 7 after healing', 20_000);
  const logs = s3.nodes.map((n) => JSON.stringify(n.log.map((e) => [e.index, e.term, e.command])));
  assert.ok(logs.every((l) => l === logs[0]), 'logs converge');
  assert.ok(s3.safe);
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard shortcuts: space pauses and plays, arrows step', async () => {
  const { page, errors } = await open('?seed=2');
  await page.locator('canvas').first().click({ position: { x: 5, y: 5 } });
  assert.equal((await snapshot(page)).playing, true);
  await page.keyboard.press('Space');
  const paused = await snapshot(page);
  assert.equal(paused.playing, false);
  await page.waitForTimeout(300);
  assert.equal((await snapshot(page)).timeMs, paused.timeMs, 'time stands still while paused');
  await page.keyboard.press('ArrowRight');
  const stepped = await snapshot(page);
  assert.ok(stepped.timeMs >= paused.timeMs);
  assert.notDeepEqual(stepped, paused, 'one event was processed');
  await page.keyboard.press('ArrowLeft');
  assert.deepEqual((await snapshot(page)).nodes, paused.nodes, 'stepping back undoes it');
  await page.keyboard.press('Space');
  assert.equal((await snapshot(page)).playing, true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the canvas follows a resize and a devicePixelRatio of 2', async () => {
  const { page, errors } = await open('?seed=1', { width: 1000, height: 700 }, 2);
  const sizes = () => page.evaluate(() => {
    const c = document.querySelector('canvas');
    const r = c.getBoundingClientRect();
    return { w: c.width, h: c.height, cssW: r.width, cssH: r.height, dpr: devicePixelRatio };
  });
  await page.waitForFunction(() => {
    const c = document.querySelector('canvas');
    return c && c.width === Math.round(c.getBoundingClientRect().width * devicePixelRatio);
  }, null, { timeout: 10_000 });
  const a = await sizes();
  assert.equal(a.dpr, 2);
  assert.equal(a.w, Math.round(a.cssW * 2));
  await page.setViewportSize({ width: 600, height: 800 });
  await page.waitForFunction((prev) => {
    const c = document.querySelector('canvas');
    return c.width !== prev && c.width === Math.round(c.getBoundingClientRect().width * devicePixelRatio);
  }, a.w, { timeout: 10_000 });
  const b = await sizes();
  assert.ok(b.cssW < a.cssW);
  assert.equal(b.h, Math.round(b.cssH * 2));
  await page.screenshot({ path: join(shots, 'sandbox-narrow-dpr2.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [query, text] of [
  ['?nodes=0', 'nodes=0'],
  ['?nodes=50', 'nodes=50'],
  ['?speed=abc', 'speed=abc'],
  ['?scene=nope', 'scene=nope'],
]) {
  test(`bad URL parameter ${query} shows a notice and falls back to the defaults`, async () => {
    // In the sandbox (a bad value must not open the tour instead).
    const { page, errors } = await open(`${query}&mode=sandbox`);
    await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 5_000 });
    const s = await snapshot(page);
    assert.equal(s.nodes.length, 5);
    assert.equal(s.scene, null);
    assert.ok(Math.abs(s.speed - 1 / 15) < 1e-9);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('a refused command throws a clear error and changes nothing', async () => {
  const { page, errors } = await open('?seed=4&autoplay=0');
  const before = await snapshot(page);
  const message = await page.evaluate(() => {
    try {
      window.raftviz.command({ type: 'crash', node: 'Z' });
      return null;
    } catch (e) {
      return String(e.message || e);
    }
  });
  assert.match(message, /Z/);
  const garbage = await page.evaluate(() => {
    try {
      window.raftviz.command({ type: 'no-such-command' });
      return null;
    } catch (e) {
      return String(e.message || e);
    }
  });
  assert.ok(garbage && garbage.length > 0);
  assert.deepEqual((await snapshot(page)).nodes, before.nodes);
  assert.deepEqual(errors, []);
  await page.close();
});
