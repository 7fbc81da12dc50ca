#!/usr/bin/env bash
# Installs what building, serving and testing need, skipping whatever is already there at
# the right version (a re-run takes a few seconds). Safe to run any number of times.
#
#   Rust toolchain, targets, components   from rust-toolchain.toml (rustup)
#   trunk 0.21.14                         cargo install --locked (~6.5 min the first time)
#   wasm-bindgen-cli = the wasm-bindgen pin in Cargo.toml   cargo install, no --locked (~2 min)
#   binaryen (wasm-opt), terser, playwright-core   npm ci from package-lock.json
#   chromium, chromium-driver             apt-get (Debian)
#   fonts-noto-cjk                        apt-get: the Chinese pages' tests measure and
#                                         screenshot real CJK glyphs, not fallback boxes
set -euo pipefail

# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RAFT_ROOT"

TRUNK_VERSION=0.21.14

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: $*"
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" </dev/null
}

# --- Rust: the toolchain named in rust-toolchain.toml, with its targets and components.
command -v rustup >/dev/null 2>&1 || die "rustup not found (install Rust via rustup first)"
toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)"
[ -n "$toolchain" ] || die "no channel in rust-toolchain.toml"
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  say "installing Rust $toolchain (from rust-toolchain.toml)"
  # With no argument, rustup installs the toolchain file's toolchain, targets, components.
  rustup toolchain install
fi
targets="$(sed -n 's/^targets *= *\[\(.*\)\]/\1/p' rust-toolchain.toml | tr -d '",')"
installed_targets="$(rustup target list --installed --toolchain "$toolchain")"
for target in $targets; do
  if ! grep -qx "$target" <<<"$installed_targets"; then
    say "adding target $target"
    rustup target add --toolchain "$toolchain" "$target"
  fi
done
components="$(sed -n 's/^components *= *\[\(.*\)\]/\1/p' rust-toolchain.toml | tr -d '",')"
installed_components="$(rustup component list --installed --toolchain "$toolchain")"
for component in $components; do
  if ! grep -q "^$component" <<<"$installed_components"; then
    say "adding component $component"
    rustup component add --toolchain "$toolchain" "$component"
  fi
done
say "rust $toolchain ok ($(echo $targets))"

# --- trunk
if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (cargo install, takes several minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi
say "trunk $TRUNK_VERSION ok"

# --- wasm-bindgen-cli: exactly the version the wasm-bindgen crate is pinned to.
# No --locked: its lock file names a webpki-roots release the registry here lacks.
bindgen_version="$(sed -n 's/^wasm-bindgen *= *"=\([0-9.]*\)".*/\1/p' Cargo.toml)"
[ -n "$bindgen_version" ] || die "Cargo.toml must pin wasm-bindgen exactly (\"=x.y.z\")"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ] ||
  [ "$(wasm-bindgen-test-runner --version 2>/dev/null || true)" != "wasm-bindgen-test-runner $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (cargo install, takes a few minutes)"
  cargo install --force wasm-bindgen-cli --version "$bindgen_version"
fi
say "wasm-bindgen-cli $bindgen_version ok"

# --- npm packages (wasm-opt from binaryen, terser for the release build's post_build hook
# scripts/shrink-glue.mjs, playwright-core), from the committed lock file. All of them are
# devDependencies, which plain `npm ci` installs.
if ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
stamp=node_modules/.raft-setup-stamp
want_stamp="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null || true)" != "$want_stamp" ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error </dev/null
  echo "$want_stamp" >"$stamp"
fi
command -v wasm-opt >/dev/null 2>&1 || die "wasm-opt missing from node_modules/.bin"
[ -f node_modules/terser/package.json ] || die "terser missing from node_modules (scripts/shrink-glue.mjs needs it)"
say "npm packages ok ($(wasm-opt --version | cut -d' ' -f1-3))"

# --- Browser and driver (Debian's; Playwright cannot download its own here).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  apt_install chromium chromium-driver
fi
say "chromium ok ($(/usr/bin/chromium --version 2>/dev/null | head -n1))"

# --- A CJK font: without one, Chinese text renders as fallback boxes of another width,
# and the Chinese layout tests (and screenshots) measure those instead.
if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  apt_install fonts-noto-cjk
fi
say "fonts-noto-cjk ok"
