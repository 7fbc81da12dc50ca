// Scenario "tour" (the page as it opens: the tour's first step): the reader goes on
// through the tour at its default pace, pressing Next each time a step has finished
// playing (a setInterval in the page; at the tour's end it starts over).
import { note, snapshot, waitForApp } from './common.mjs';

export default async function prep(page) {
  await waitForApp(page);
  const snap = await snapshot(page);
  if (!snap.tour) throw new Error('tour: the page did not open on the tour');
  await page.evaluate(() => {
    const st = (window.__measureTour = { next: 0 });
    setInterval(() => {
      const t = window.raftviz.snapshot().tour;
      if (!t || !t.done) return;
      const last = window.raftviz.scenes().at(-1);
      if (t.scene === last.id && t.step === t.steps) {
        window.raftviz.command({ type: 'tour', scene: 'consensus', step: 1, play: true });
      } else {
        window.raftviz.command({ type: 'next' });
      }
      st.next++;
    }, 250);
  });
  note('tour', `opened on ${snap.tour.scene} step ${snap.tour.step}; pressing Next after each step`);
}
