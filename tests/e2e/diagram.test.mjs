// The space-time diagram, the rule panel and the pictures to take away (issue 12): the
// diagram scrubs with the timeline both ways, a click on a line selects the same
// message as a click on its dot, the Figure 8 scene's withheld commit gives its reason
// in the inspector and marks its line of Figure 2, and the PNG, SVG and WebM downloads
// are valid files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { command, snapshot, usePage } from './browser.mjs';

const suite = usePage(before, after);

/** The page position of a point of the diagram's canvas. */
async function onDiagram(page, x, y) {
  const box = await page.locator('#rv-diagram').boundingBox();
  return { x: box.x + x, y: box.y + y };
}

test('the diagram ends at the cursor and scrubbing either one moves the other', async () => {
  const { page, errors } = await suite.open('?mode=sandbox&seed=11&autoplay=0');
  await command(page, { type: 'seek', ms: 3000 });
  let s = await snapshot(page);
  assert.equal(s.diagram.toMs, 3000, 'the window ends at the cursor');
  assert.ok(s.diagram.fromMs < 3000);
  assert.deepEqual(new Set(s.diagram.marks.map((k) => k.node)).size, 5, 'a lane per node');
  assert.ok(s.diagram.lines.length > 20, `${s.diagram.lines.length} lines`);
  // The timeline's slider moves the diagram.
  await page.locator('#rv-scrub').fill('1500');
  s = await snapshot(page);
  assert.equal(Math.round(s.timeMs), 1500);
  assert.equal(Math.round(s.diagram.toMs), 1500);
  // Dragging the diagram to the right pulls earlier moments in: the cursor goes back
  // by the time the drag covers, and the slider shows it.
  const span = s.diagram.toMs - s.diagram.fromMs;
  const width = s.diagram.right - s.diagram.left;
  const start = await onDiagram(page, 400, 5);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 100, start.y, { steps: 5 });
  await page.mouse.up();
  s = await snapshot(page);
  const expected = 1500 - (100 * span) / width;
  assert.ok(Math.abs(s.timeMs - expected) < 2, `${s.timeMs} vs ${expected}`);
  assert.ok(Math.abs(Number(await page.locator('#rv-scrub').inputValue()) - s.timeMs) < 2);
  // The zoom buttons halve and double the span.
  await page.click('[data-cmd="zoomIn"]');
  const zoomed = await snapshot(page);
  assert.ok(Math.abs((zoomed.diagram.toMs - zoomed.diagram.fromMs) - span / 2) < 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a click on a line selects the same message as a click on its dot', async () => {
  const { page, errors } = await suite.open('?mode=sandbox&seed=5&autoplay=0');
  // Just after a heartbeat round: messages in flight.
  await command(page, { type: 'seek', ms: 2000 });
  let s = await snapshot(page);
  for (let t = 2000; s.messages.filter((m) => Number.isFinite(m.x)).length === 0 && t < 3000; t += 3) {
    await command(page, { type: 'seek', ms: t });
    s = await snapshot(page);
  }
  const m = s.messages.find((m) => Number.isFinite(m.x));
  assert.ok(m, 'a message in flight');
  // Its dot on the cluster.
  const stage = await page.locator('#raft-canvas').boundingBox();
  await page.mouse.click(stage.x + m.x, stage.y + m.y);
  s = await snapshot(page);
  assert.deepEqual(s.selection, { message: m.id });
  await command(page, { type: 'select' });
  // Its line on the diagram, clicked near its far end (the part nearest "now").
  const line = s.diagram.lines.find((l) => l.id === m.id);
  assert.ok(line, 'the message has a line');
  const [x1, y1, x2, y2] = line.ends;
  const at = await onDiagram(page, x1 + (x2 - x1) * 0.9, y1 + (y2 - y1) * 0.9);
  await page.mouse.click(at.x, at.y);
  s = await snapshot(page);
  assert.deepEqual(s.selection, { message: m.id });
  assert.ok(s.why, 'a leader\'s message has its reason');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const lang of ['en', 'zh']) {
  test(`the Figure 8 scene's leader says why index 2 is not committed, and Figure 2 marks the rule (${lang})`, async () => {
    const { page, errors } = await suite.open(`?scene=figure-8&lang=${lang}`);
    if (lang === 'zh') {
      await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(window.raftviz.snapshot().tour.caption));
    }
    // The step where the new leader holds index 2 back.
    const steps = (await snapshot(page)).tour.steps;
    let mark = null;
    for (let step = 1; step <= steps && !mark; step += 1) {
      await command(page, { type: 'tour', scene: 'figure-8', step });
      mark = (await snapshot(page)).diagram.marks.find((k) => k.kind === 'withheld');
    }
    assert.ok(mark, 'a withheld commit in the diagram');
    const at = await onDiagram(page, mark.x, mark.y);
    await page.mouse.click(at.x, at.y);
    const s = await snapshot(page);
    assert.deepEqual(s.selection, { event: mark.event });
    assert.equal(s.why.rule, 'current-term-only');
    assert.equal(s.why.cite, '§5.4.2');
    if (lang === 'en') {
      assert.match(s.why.text, /^Not committed: index 2 is on \d of \d servers but has term 2 < current term \d/);
    } else {
      assert.match(s.why.text, /index 2/);
    }
    // The rule panel, in the tour's column: the reason, and Figure 2 (fetched when
    // opened) with the rule's line marked.
    const why = await page.locator('#rv-why').innerText();
    assert.ok(why.includes(s.why.cite) && why.includes(s.why.text), why);
    await page.click('#rv-fig2 > summary');
    await page.waitForSelector('#rv-fig2-body [data-lit]');
    const lit = await page.locator('#rv-fig2-body [data-lit]').allInnerTexts();
    assert.equal(lit.length, 1, `one rule marked: ${lit}`);
    assert.match(lit[0], lang === 'en' ? /log\[N\] has the current term/ : /当前 term/);
    // The same event through the API.
    await command(page, { type: 'select' });
    await command(page, { type: 'select', event: mark.event });
    assert.equal((await snapshot(page)).why.rule, 'current-term-only');
    await page.locator('#rv-rules').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${suite.shots}/figure-8-why-${lang}.png` });
    await assert.rejects(command(page, { type: 'select', event: 1e12 }), /no event/);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the split vote in the diagram: two candidates of one term, and the next term\'s winner', async () => {
  const { page, errors } = await suite.open('?scene=split-vote');
  const steps = (await snapshot(page)).tour.steps;
  await command(page, { type: 'tour', scene: 'split-vote', step: steps });
  const s = await snapshot(page);
  const timeouts = s.diagram.marks.filter((k) => k.kind === 'timeout');
  const votes = s.diagram.marks.filter((k) => k.kind === 'vote');
  assert.ok(timeouts.length >= 2 && votes.length >= 2, JSON.stringify(s.diagram.marks.map((k) => k.kind)));
  assert.ok(s.diagram.marks.some((k) => k.kind === 'elected'));
  await page.locator('#rv-diagram').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${suite.shots}/split-vote-diagram.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('on a phone the diagram is a tab of its own', async () => {
  const { page, errors } = await suite.open('?mode=sandbox&seed=3', { width: 390, height: 844 }, 2);
  assert.equal(await page.locator('#rv-diagram').isVisible(), false);
  await page.click('#rv-view-diagram');
  assert.equal(await page.locator('#rv-diagram').isVisible(), true);
  assert.equal(await page.locator('#raft-canvas').isVisible(), false);
  // The run goes on while the diagram alone is shown.
  await command(page, { type: 'play' });
  const t0 = (await snapshot(page)).timeMs;
  await page.waitForTimeout(600);
  const s = await snapshot(page);
  assert.ok(s.playing && s.timeMs > t0, `${t0} → ${s.timeMs}`);
  await page.screenshot({ path: `${suite.shots}/diagram-phone.png` });
  await page.click('#rv-view-cluster');
  assert.equal(await page.locator('#raft-canvas').isVisible(), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the PNG, SVG and WebM downloads are valid files named after the run', async () => {
  const { page, errors } = await suite.open('?mode=sandbox&seed=9&autoplay=0');
  await command(page, { type: 'seek', ms: 2500 });
  const save = async (selector) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
  };
  const png = await save('[data-cmd="savePng"]');
  assert.equal(png.name, 'raft-seed-9-2500ms.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  // Twice the canvas's CSS size.
  const stage = await page.locator('#raft-canvas').boundingBox();
  assert.equal(png.bytes.readUInt32BE(16), Math.round(stage.width * 2));
  const svg = await save('[data-cmd="saveSvg"]');
  assert.equal(svg.name, 'raft-seed-9-2500ms.svg');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.getElementsByTagName('parsererror').length,
      root: doc.documentElement.nodeName,
      lines: doc.getElementsByTagName('line').length,
    };
  }, svg.bytes.toString('utf8'));
  assert.deepEqual({ error: parsed.error, root: parsed.root }, { error: 0, root: 'svg' });
  assert.ok(parsed.lines > 20);
  // A recording of the last seconds: a WebM that a video element can play.
  await command(page, { type: 'speed', value: 0.1 });
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.click('#rv-record'),
  ]);
  const webm = readFileSync(await download.path());
  assert.match(download.suggestedFilename(), /^raft-seed-9-\d+ms\.webm$/);
  assert.ok(webm.length > 1000, `${webm.length} bytes`);
  assert.deepEqual([...webm.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'EBML header');
  const video = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const v = document.createElement('video');
    v.muted = true;
    v.src = URL.createObjectURL(new Blob([bytes], { type: 'video/webm' }));
    await new Promise((ok, fail) => {
      v.onloadeddata = ok;
      v.onerror = () => fail(new Error('the video does not load'));
    });
    return { width: v.videoWidth, height: v.videoHeight };
  }, webm.toString('base64'));
  assert.ok(video.width > 0 && video.height > 0, JSON.stringify(video));
  const s = await snapshot(page);
  assert.equal(Math.round(s.timeMs), 2500, 'back where it was');
  assert.equal(s.playing, false, 'paused again, as before');
  assert.deepEqual(errors, []);
  await page.close();
});
