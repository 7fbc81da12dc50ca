// Scenario "offscreen": a 3000 px spacer above the app, scrolled to the top, so the canvas
// is below the fold while the app still "plays". No frame should follow.
import { note, snapshot, waitForApp } from './common.mjs';

export default async function prep(page) {
  await waitForApp(page);
  // Playing before it goes out of view (a paused app would hide what is measured); out
  // of view, snapshot().playing is false by design (the page stands still), so it is
  // asked first.
  if (!(await snapshot(page)).playing) {
    throw new Error('offscreen: the app is paused, which would hide what is measured');
  }
  const rect = await page.evaluate(() => {
    const spacer = document.createElement('div');
    spacer.id = 'measure-spacer';
    spacer.style.cssText = 'height:3000px;flex:none;';
    document.body.prepend(spacer);
    window.scrollTo(0, 0);
    const r = document.getElementById('raft-canvas').getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right,
      vw: window.innerWidth, vh: window.innerHeight, scrollY: window.scrollY };
  });
  const visible = rect.bottom > 0 && rect.top < rect.vh && rect.right > 0 && rect.left < rect.vw;
  if (visible) {
    throw new Error(`offscreen: #raft-canvas still intersects the viewport: ${JSON.stringify(rect)}`);
  }
  note('offscreen', `canvas at y=${Math.round(rect.top)}..${Math.round(rect.bottom)}, viewport ${rect.vw}x${rect.vh}, playing until it went out of view`);
}
