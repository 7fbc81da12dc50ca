#!/usr/bin/env bash
# Runs every test, in order:
#   1. cargo test --workspace              native unit, integration and doc tests
#   2. fault campaign                      raft-sim, 200 seeds of random faults
#   3. raft-viz browser tests              wasm-bindgen-test in headless Chromium
#   4. trunk build --release               the site, into dist/
#   5. end-to-end tests (tests/e2e)        node --test + playwright-core on dist/
# A failing step does not hide the others (only the end-to-end tests need the build).
# Ends with "N passed, M failed", counting test cases, plus 1 failure for each step that
# failed without reporting a failing test (a build error, say). Exit status 1 if anything failed.
set -uo pipefail

# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RAFT_ROOT"
"$RAFT_ROOT/scripts/setup.sh" || { echo "test: setup failed"; echo "0 passed, 1 failed"; exit 1; }

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
passed=0
failed=0
failed_steps=()

# count LOG: adds the test counts printed by cargo test / wasm-bindgen-test-runner
# ("test result: ok. 5 passed; 0 failed; ...") and node --test ("ℹ pass 1" / "# pass 1").
count() {
  local log="$1" p=0 f=0 line n
  while IFS= read -r line; do
    if [[ "$line" =~ ^test\ result:\ [a-zA-Z]+\.\ ([0-9]+)\ passed\;\ ([0-9]+)\ failed ]]; then
      p=$((p + BASH_REMATCH[1]))
      f=$((f + BASH_REMATCH[2]))
    elif [[ "$line" =~ ^(ℹ|#)\ pass\ ([0-9]+)$ ]]; then
      n="${BASH_REMATCH[2]}"
      p=$((p + n))
    elif [[ "$line" =~ ^(ℹ|#)\ fail\ ([0-9]+)$ ]]; then
      n="${BASH_REMATCH[2]}"
      f=$((f + n))
    fi
  done <"$log"
  echo "$p $f"
}

# step NAME CMD...: runs CMD, shows its output, adds its tests to the totals.
step() {
  local name="$1" log status p f
  shift
  log="$logs/$(tr -c 'a-zA-Z0-9' '_' <<<"$name").log"
  printf '\n==> test: %s\n' "$name"
  "$@" 2>&1 | tee "$log"
  status="${PIPESTATUS[0]}"
  read -r p f < <(count "$log")
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$status" -ne 0 ]; then
    if [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
    failed_steps+=("$name")
    printf '==> test: %s FAILED (exit %s)\n' "$name" "$status"
    return 1
  fi
  if [ "$p" -gt 0 ]; then printf "==> test: %s ok (%s passed)\n" "$name" "$p"; else printf "==> test: %s ok\n" "$name"; fi
}

step "native tests (cargo test --workspace)" \
  cargo test --workspace --no-fail-fast

step "fault campaign (raft-sim, 200 seeds, safe rules: no violation, lost write or unconverged run)" \
  cargo run --release -q -p raft-sim --example campaign -- --seeds 200

# The checker must catch each unsafe teaching variant (the campaign exits non-zero if not).
# two-changes is first caught at seed 19 of --first 1: a server its removal left out runs
# on under that switch (raft-sim's World::stops_left_out_servers) and can still vote.
for variant in no-log-check:300 commit-old-terms:300 fixed-timeout:300 two-changes:300 \
  snapshot-drops-log:300; do
  step "fault campaign catches the unsafe variant ${variant%%:*}" \
    cargo run --release -q -p raft-sim --example campaign -- --seeds "${variant##*:}" \
      --unsafe "${variant%%:*}"
done

step "browser tests (raft-viz, wasm-bindgen-test in headless chromium)" \
  cargo test --target wasm32-unknown-unknown -p raft-viz

if step "site build (trunk build --release)" trunk build --release; then
  step "end-to-end tests (tests/e2e, node --test)" \
    node --test --test-reporter=spec tests/e2e/*.test.mjs
else
  failed_steps+=("end-to-end tests (skipped: no build)")
fi

echo
if [ "${#failed_steps[@]}" -gt 0 ]; then
  printf 'test: failed: %s\n' "${failed_steps[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "${#failed_steps[@]}" -eq 0 ]
