// The pictures to take away (issue 12): "Save picture" is the cluster as PNG at twice its
// CSS size, "Save diagram" the diagram's visible window as SVG, "Record" a WebM of the
// sandbox's last seconds; each is named after the seed and the time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { command, snapshot, usePage } from './browser.mjs';

const suite = usePage(before, after);

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


test('in the tour, in Chinese, the pictures are named after the scene and step, and a recording plays the step again', async () => {
  const { page, errors } = await suite.open('?scene=figure-8&step=4&lang=zh');
  await page.waitForFunction(() => window.raftviz.snapshot().tour?.done);
  const before = await snapshot(page);
  const save = async (selector, timeout = 10_000) => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout }), page.click(selector)]);
    return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
  };
  const svg = await save('[data-cmd="saveSvg"]');
  assert.match(svg.name, /^figure-8-step-4-\d+ms\.svg$/);
  const text = svg.bytes.toString('utf8');
  const parsed = await page.evaluate((t) => {
    const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
    return { error: doc.getElementsByTagName('parsererror').length, texts: [...doc.getElementsByTagName('text')].map((e) => e.textContent) };
  }, text);
  assert.equal(parsed.error, 0);
  // A lane for each of the scene's five servers.
  assert.equal(before.nodes.length, 5);
  for (const { name } of before.nodes) {
    assert.ok(parsed.texts.includes(name), `lane ${name} in ${parsed.texts}`);
  }
  const png = await save('[data-cmd="savePng"]');
  assert.equal(png.name, svg.name.replace(/\.svg$/, '.png'));
  const webm = await save('#rv-record', 60_000);
  assert.match(webm.name, /^figure-8-step-4-\d+ms\.webm$/);
  assert.deepEqual([...webm.bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'EBML header');
  const after = await snapshot(page);
  assert.deepEqual([after.tour.scene, after.tour.step, after.tour.done], ['figure-8', 4, true]);
  assert.equal(after.timeMs, before.timeMs, 'the step played again, to its moment');
  assert.equal(await page.getAttribute('#rv-record', 'aria-pressed'), 'false');
  assert.deepEqual(errors, []);
  await page.close();
});
