// Servers joining and leaving (paper §6) and snapshots (§7) end to end, in the sandbox:
// "Add a node" grows a running cluster and the new server catches up; the inspector's
// Remove takes the leader out and the rest elect another; a snapshot taken while a
// follower is down reaches it by InstallSnapshot when it restarts. raftviz.command does
// the same (addNode, removeNode, snapshot) and refuses what cannot be done.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { command, snapshot, usePage } from './browser.mjs';

const suite = usePage(before, after);

const open = suite.open;

const node = (s, name) => s.nodes.find((n) => n.name === name);

// Waits (in the page) until `pred(snapshot)` holds; its body is a function's source.
async function until(page, pred, timeout = 20000) {
  await page.waitForFunction(
    (src) => new Function('s', `return (${src})(s)`)(window.raftviz.snapshot()),
    pred.toString(),
    { timeout },
  );
}

test('Add a node grows the running cluster and the new server catches up as a learner', async () => {
  const { page, errors } = await open('?mode=sandbox&seed=3&nodes=3&speed=1');
  await until(page, (s) => s.leader !== null);
  await command(page, { type: 'set', value: 7 });
  await page.click('details:has(#rv-add-node) > summary');
  await page.click('#rv-add-node');
  const s = await snapshot(page);
  assert.equal(s.nodes.length, 4);
  assert.equal(node(s, 'D').learner, true, JSON.stringify(node(s, 'D')));
  // It receives the log, then the leader promotes it: every server counts four voters.
  await until(page, (s) => {
    const d = s.nodes.find((n) => n.name === 'D');
    return !d.learner && d.value === 7
      && s.nodes.every((n) => n.config && n.config.voters.length === 4 && n.config.outgoing.length === 0);
  });
  assert.deepEqual(errors, []);
  await page.close();
});

test('removing the leader from its inspector takes it out of the picture and a new leader is elected', async () => {
  const { page, errors } = await open('?mode=sandbox&seed=4&speed=1');
  await until(page, (s) => s.leader !== null);
  const old = (await snapshot(page)).leader;
  await command(page, { type: 'select', node: old });
  await page.click('#rv-remove');
  await page.waitForFunction(
    (old) => {
      const s = window.raftviz.snapshot();
      return s.nodes.find((n) => n.name === old).role === 'removed' && s.leader && s.leader !== old;
    },
    old,
    { timeout: 20000 },
  );
  const s = await snapshot(page);
  assert.ok(s.nodes.filter((n) => n.role !== 'removed').every((n) => n.config.voters.length === 4),
    JSON.stringify(s.nodes.map((n) => n.config)));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a snapshot taken while a follower is down is installed on it when it restarts', async () => {
  const { page, errors } = await open('?mode=sandbox&seed=5&nodes=3&speed=1');
  await until(page, (s) => s.leader !== null);
  const leader = (await snapshot(page)).leader;
  const down = (await snapshot(page)).nodes.find((n) => n.name !== leader).name;
  await command(page, { type: 'crash', node: down });
  for (const value of [1, 2, 3]) {
    await command(page, { type: 'set', value });
    await page.waitForFunction(
      ([l, v]) => window.raftviz.snapshot().nodes.find((n) => n.name === l).value === v,
      [leader, value],
      { timeout: 20000 },
    );
  }
  await command(page, { type: 'snapshot', node: leader });
  const compacted = node(await snapshot(page), leader).snapshotIndex;
  assert.ok(compacted >= 3, `snapshotIndex ${compacted}`);
  // Twice in a row: nothing new to compact, refused with a reason.
  await assert.rejects(command(page, { type: 'snapshot', node: leader }), /already|snapshot/i);
  await command(page, { type: 'restart', node: down });
  await page.waitForFunction(
    ([d, c]) => {
      const n = window.raftviz.snapshot().nodes.find((n) => n.name === d);
      return n.snapshotIndex >= c && n.value === 3;
    },
    [down, compacted],
    { timeout: 20000 },
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test('raftviz.command adds and removes servers, and refuses a removal with no leader to ask', async () => {
  // Paused from the start: no leader can be elected before the first refusal.
  const { page, errors } = await open('?mode=sandbox&seed=6&nodes=3&speed=1&autoplay=0');
  await assert.rejects(command(page, { type: 'removeNode', node: 'A' }), /leader/i);
  await assert.rejects(command(page, { type: 'removeNode' }), /node/);
  await command(page, { type: 'play' });
  await until(page, (s) => s.leader !== null);
  assert.equal(await command(page, { type: 'addNode' }), true);
  await until(page, (s) => s.nodes.length === 4 && !s.nodes[3].learner);
  assert.equal(await command(page, { type: 'removeNode', node: 'D' }), true);
  await until(page, (s) => s.nodes[3].role === 'removed');
  assert.deepEqual(errors, []);
  await page.close();
});
