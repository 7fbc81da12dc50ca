#!/usr/bin/env bash
# Re-measures the page budgets on the release build and prints one table:
# scenario, metric, median (min–max), budget, OK/OVER. A measuring script, not a test:
# it exits 0 even when a budget is over (non-zero only when something could not be
# measured). Takes about 4 minutes (plus the build).
#
#   1. trunk build --release --dist target/measure-dist   (dist/ of the tests is untouched)
#   2. serves it and runs ../shared/tools/page-cost.mjs per scenario (tests/perf/measure.mjs):
#        tour       the page as it opens (the tour), Next after each step   taskMsPerS <= 40,
#                   bytesGzTotal <= the budget in tests/page-budget.json, firstRafAfterLoadMs <= 250
#        sandbox    ?mode=sandbox, animating by itself, with the diagram   taskMsPerS <= 55
#        sandbox-no-diagram   the same, the diagram hidden (its cost: the difference, <= 7)
#        article    article.html scrolled top to bottom over 30 s      taskMsPerS <= 60
#        busy       ?nodes=9, 10% loss, a client write every second   taskMsPerS <= 100
#        paused     the sandbox, {type:"pause"}                        rafFps = 0
#        offscreen  the sandbox, canvas scrolled below the fold        rafFps = 0
#      each run's JSON goes to target/measure/NAME.json (and page-cost's output to NAME.log).
#   3. the tour's instant moves (tests/perf/tour-steps.mjs): Back and opening a step,
#      command plus the frame that draws it, <= 16 ms; and the article page's memory while
#      scrolled (tests/perf/article-memory.mjs): JS heap + every figure's wasm <= 64 MB.
#   4. with --soak or MEASURE_SOAK=1: the default page for 10 minutes, JS heap and wasm
#      memory every 30 s (tests/perf/soak.mjs), into target/measure/soak.json.
#
# Environment:
#   MEASURE_SKIP_BUILD=1      reuse target/measure-dist as it is
#   MEASURE_RUNS (3)          page-cost runs per scenario (fresh browser each)
#   MEASURE_SETTLE (3), MEASURE_SECONDS (10)   page-cost's settle and measure seconds
#   MEASURE_VIEWPORT (1280x800)
#   MEASURE_SCENARIOS         comma list of scenarios (default all), or "none"
#   MEASURE_SOAK=1            also run the soak (same as --soak)
#   MEASURE_SOAK_MINUTES (10), MEASURE_SOAK_INTERVAL (30 s), MEASURE_SOAK_QUERY (none;
#                             e.g. "?speed=1" reaches the simulator's history bound sooner)
#   MEASURE_PAGE_COST         another page-cost.mjs than ../shared/tools/page-cost.mjs
set -euo pipefail

# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RAFT_ROOT"

say() { printf 'measure: %s\n' "$*"; }
die() { printf 'measure: error: %s\n' "$*" >&2; exit 1; }

soak="${MEASURE_SOAK:-0}"
for arg in "$@"; do
  case "$arg" in
    --soak) soak=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument: $arg (only --soak, --help)" ;;
  esac
done

page_cost="${MEASURE_PAGE_COST:-$RAFT_ROOT/../shared/tools/page-cost.mjs}"
if [ ! -f "$page_cost" ]; then
  printf 'measure: error: page-cost.mjs not found at %s\n' "$page_cost" >&2
  printf 'measure: it lives in the shared tools beside the repository (../shared/tools/);\n' >&2
  printf 'measure: set MEASURE_PAGE_COST=/path/to/page-cost.mjs to use another copy.\n' >&2
  exit 1
fi
page_cost="$(cd "$(dirname "$page_cost")" && pwd)/$(basename "$page_cost")"

"$RAFT_ROOT/scripts/setup.sh"

dist="target/measure-dist"
out="target/measure"
if [ "${MEASURE_SKIP_BUILD:-0}" = 1 ]; then
  [ -f "$dist/index.html" ] || die "MEASURE_SKIP_BUILD=1 but $dist/index.html is missing: run once without it"
  say "MEASURE_SKIP_BUILD=1: reusing $dist"
else
  say "trunk build --release --dist $dist"
  trunk build --release --dist "$dist"
fi
mkdir -p "$out"

# page-cost.mjs lives outside the repository: it finds playwright-core through NODE_PATH.
export NODE_PATH="$RAFT_ROOT/node_modules"

status=0
node tests/perf/measure.mjs --dist "$dist" --out "$out" --page-cost "$page_cost" || status=$?
if [ "${MEASURE_SCENARIOS:-}" != none ]; then
  node tests/perf/tour-steps.mjs --dist "$dist" --out "$out/tour-steps.json" || status=$?
  node tests/perf/article-memory.mjs --dist "$dist" --out "$out/article-memory.json" || status=$?
fi

if [ "$soak" = 1 ]; then
  printf '\n'
  node tests/perf/soak.mjs --dist "$dist" --out "$out/soak.json" || status=$?
fi
exit "$status"
