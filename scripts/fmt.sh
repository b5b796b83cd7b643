#!/usr/bin/env bash
# Formats every crate of the workspace with the repository's rustfmt.toml (what
# `scripts/test.sh` checks with `cargo fmt --check`).
#
#   scripts/fmt.sh           # rewrite the files
#   scripts/fmt.sh --check   # only report what would change
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec cargo fmt --all "$@"
