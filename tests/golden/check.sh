#!/usr/bin/env bash
# A golden test: check.sh REDSIM SCENARIO GOLDEN, run from the repository's root (ctest does).
# Runs `REDSIM run SCENARIO` and passes when it exits 0 (every expectation held) and prints
# exactly GOLDEN, byte for byte. On a difference it prints the first differing lines. Goldens
# change only on purpose: scripts/update-goldens.
set -uo pipefail
redsim=$1 scenario=$2 golden=$3
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT

"$redsim" run "$scenario" >"$actual"
status=$?
if [ ! -f "$golden" ]; then
  echo "no golden file $golden for $scenario: write it with scripts/update-goldens"
  exit 1
fi
if ! cmp -s "$golden" "$actual"; then
  echo "redsim run $scenario differs from $golden; first differing lines (- golden, + now):"
  diff -u "$golden" "$actual" | sed -n '3,42p'
  echo "if the change is intended: scripts/update-goldens, then review git diff tests/golden"
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "redsim run $scenario exited $status: an expectation failed (FAIL lines in $golden)"
  exit 1
fi
