#!/usr/bin/env bash
# Proves the README's first command on a fresh clone, as a new user runs it: clones the
# checked-out commit into a temporary folder, runs that command there on a free port,
# waits until the page and its wasm answer 200, has headless Chromium show a page with a
# leader (tests/e2e/fresh-serve.mjs), then stops the server by its process group and
# removes the folder (also on failure). `.ci/run` calls it.
#
# A shared CARGO_TARGET_DIR (default: this checkout's target/) saves compile time; the
# clone's own folder stays as fresh as a new user's (no target/, dist/ or node_modules/).
#   RAFT_SERVE_CHECK_MINUTES (20)   how long the build and start may take
set -euo pipefail

# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
repo="$RAFT_ROOT"
say() { printf 'serve-check: %s\n' "$*"; }
die() { printf 'serve-check: FAILED: %s\n' "$*" >&2; exit 1; }

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# With node (setup.sh installs it), not curl: a clean machine may lack curl.
# http_status URL: the HTTP status of URL, 0 when nothing answers.
http_status() {
  node -e 'fetch(process.argv[1]).then((r) => console.log(r.status), () => console.log(0))' "$1"
}
# http_body URL: prints the body of URL; fails unless it answers 200.
http_body() {
  node -e 'fetch(process.argv[1]).then(async (r) => { if (r.status !== 200) process.exit(1); process.stdout.write(await r.text()); }, () => process.exit(1))' "$1"
}

commit="$(git -C "$repo" rev-parse HEAD)"
git clone -q "$repo" "$work/clone"
cd "$work/clone"
git checkout -q --detach "$commit"
say "fresh clone of $(git rev-parse --short HEAD) in $work/clone"
# The README's first command: the first line of its first ```sh block.
first="$(sed -n '/^```sh$/,/^```$/p' README.md | sed -n 2p)"
[ -n "$first" ] || die "README.md has no \`\`\`sh block"
port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
url="http://127.0.0.1:$port/"
say "running \`$first\` with RAFT_VIZ_PORT=$port"
RAFT_VIZ_PORT="$port" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}" \
  setsid bash -c "$first" >"$work/serve.log" 2>&1 </dev/null &
pid=$!

minutes="${RAFT_SERVE_CHECK_MINUTES:-20}"
deadline=$((SECONDS + minutes * 60))
next_report=$((SECONDS + 60))
wasm=""
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 20 "$work/serve.log" >&2
    die "\`$first\` exited before serving the page (its log's end is above)"
  fi
  if html="$(http_body "$url")"; then
    wasm="$(grep -o '[A-Za-z0-9_.-]*_bg\.wasm' <<<"$html" | head -n 1 || true)"
    if [ -n "$wasm" ] && [ "$(http_status "$url$wasm")" = 200 ]; then
      break
    fi
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    tail -n 20 "$work/serve.log" >&2
    die "no page and wasm at $url after $minutes minutes"
  fi
  if [ "$SECONDS" -ge "$next_report" ]; then
    say "still waiting for $url ($(tail -n 1 "$work/serve.log" | cut -c1-100))"
    next_report=$((SECONDS + 60))
  fi
  sleep 2
done
say "/ and /$wasm answer 200"
node "$repo/tests/e2e/fresh-serve.mjs" "$url"
# cargo built into the shared target dir, not the clone's: the clone stayed fresh.
[ ! -e "$work/clone/target" ] || die "the clone gained a target/ folder"
say "ok: a fresh clone serves the page with the README's first command"
