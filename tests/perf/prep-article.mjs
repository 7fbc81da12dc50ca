// Scenario "article" (article.html): the reader scrolls from the top to the bottom at an
// even pace over the settle and measured seconds (MEASURE_SETTLE + the scenario's 30 s),
// so that the figures come to life, play and are dropped one after the other.
import { note } from './common.mjs';

export default async function prep(page) {
  const seconds = Number(process.env.MEASURE_SETTLE || 3) + 30;
  await page.evaluate((s) => {
    const start = performance.now();
    const end = () => document.documentElement.scrollHeight - innerHeight;
    const id = setInterval(() => {
      const f = Math.min(1, (performance.now() - start) / (s * 1000));
      scrollTo(0, f * end());
      if (f >= 1) clearInterval(id);
    }, 50);
  }, seconds);
  note('article', `scrolling top to bottom over ${seconds} s`);
}
