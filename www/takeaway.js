// The pictures to take away, fetched the first time a reader asks for one: index.html's
// `raftTakeaway` imports this module, which loads the takeaway wasm
// (crates/raft-viz/src/web/takeaway.rs) once and hands it each request.
import init, { take_away } from './raft-viz-takeaway.js';

const ready = init();

export async function takeAway(kind, run, client) {
  await ready;
  take_away(kind, run, client);
}
