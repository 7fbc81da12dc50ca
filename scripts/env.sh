# shellcheck shell=bash
# Sourced by the other scripts (not run on its own): the environment every step needs.
# - node_modules/.bin first on PATH: trunk finds `wasm-opt` there (npm binaryen; Debian's
#   binaryen 108 produces broken modules, see TOOLCHAIN.md).
# - ~/.cargo/bin for trunk, wasm-bindgen, wasm-bindgen-test-runner.

RAFT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RAFT_ROOT

case ":$PATH:" in
  *":$RAFT_ROOT/node_modules/.bin:"*) ;;
  *) PATH="$RAFT_ROOT/node_modules/.bin:$PATH" ;;
esac
if [ -d "${CARGO_HOME:-$HOME/.cargo}/bin" ]; then
  case ":$PATH:" in
    *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;;
    *) PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" ;;
  esac
fi
export PATH

# trunk's update check cannot reach its server here; it would only log a failure.
export TRUNK_SKIP_VERSION_CHECK=true
# wasm-bindgen-test-runner drives Debian's chromium through this driver.
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# The end-to-end tests launch this browser.
export RAFT_CHROMIUM="${RAFT_CHROMIUM:-/usr/bin/chromium}"
