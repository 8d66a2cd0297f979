# Shared helpers for CLI tests. Usage in a test: source "$(dirname "$0")/lib.sh" "$@"
set -u
BIN=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
expect_rc() {  # expect_rc WANT CMD...
  local want=$1; shift
  "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  local rc=$?
  [ "$rc" -eq "$want" ] || { fail "exit $rc, expected $want: $*"; cat "$WORK/stderr"; }
}
finish() { if [ "$FAILS" -eq 0 ]; then echo "ok"; exit 0; else echo "$FAILS failure(s)"; exit 1; fi; }
