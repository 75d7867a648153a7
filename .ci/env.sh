# Sourced by the scripts in .ci/: puts the project's tools first on PATH.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# The toolchain of the release build only (.ci/build-release); everything else uses stable.
export RELEASE_TOOLCHAIN="nightly-2026-10-30"
cd "$ROOT"
