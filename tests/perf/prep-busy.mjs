// Scenario "busy" (URL ?nodes=9): 10% message loss and one client write per second.
// The writes come from a setInterval in the page; a refused write (no leader yet, say)
// throws and is only counted in window.__measureBusy.
import { command, note, snapshot, waitForApp } from './common.mjs';

export default async function prep(page) {
  await waitForApp(page);
  const before = await snapshot(page);
  if (before.nodes.length !== 9) {
    throw new Error(`busy: expected 9 nodes from ?nodes=9, got ${before.nodes.length}`);
  }
  // latencyMin/latencyMax are optional in the API: only the loss changes.
  await command(page, { type: 'network', loss: 0.1 });
  await page.evaluate(() => {
    const st = (window.__measureBusy = { sent: 0, refused: 0, lastError: null });
    let n = 1;
    setInterval(() => {
      try {
        window.raftviz.command({ type: 'set', value: n++ });
        st.sent++;
      } catch (e) {
        st.refused++;
        st.lastError = String(e && e.message ? e.message : e);
      }
    }, 1000);
  });
  const snap = await snapshot(page);
  if (!snap.playing) throw new Error('busy: the page is not playing');
  note('busy', `${snap.nodes.length} nodes, loss 0.1, a write every 1000 ms, playing`);
}
