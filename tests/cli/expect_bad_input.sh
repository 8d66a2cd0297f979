#!/usr/bin/env bash
# Usage: expect_bad_input.sh GIGASIM FILE
# FILE's first lines carry the expectation:
#   # expect: <fragment that must appear in stderr>     (required, may repeat: all must appear)
#   # command: <subcommand and arguments, FILE is substituted for {}>   (default: run {} --out OUT)
#   # set: key.path=value        (passed as --set; may repeat)
# Checks: exit code 2, every fragment in stderr, a single "gigasim: error:" line, and no output directory.
set -u
bin=$1
file=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/out"

mapfile -t expects < <(sed -n 's/^# expect: //p' "$file")
command=$(sed -n 's/^# command: //p' "$file" | head -n1)
mapfile -t sets < <(sed -n 's/^# set: //p' "$file")
if [ ${#expects[@]} -eq 0 ]; then echo "FAIL: $file has no '# expect:' line"; exit 1; fi
[ -n "$command" ] || command="run {} --out $out"
command=${command//\{\}/$file}
command=${command//OUT/$out}
args=()
for s in "${sets[@]}"; do args+=(--set "$s"); done

# shellcheck disable=SC2086
"$bin" $command "${args[@]}" >"$work/stdout" 2>"$work/stderr"
rc=$?
fail=0
if [ $rc -ne 2 ]; then echo "FAIL: exit code $rc, expected 2"; fail=1; fi
for e in "${expects[@]}"; do
  if ! grep -qF -- "$e" "$work/stderr"; then echo "FAIL: stderr lacks: $e"; fail=1; fi
done
if [ "$(grep -c 'gigasim: error:' "$work/stderr")" -ne 1 ]; then echo "FAIL: expected exactly one 'gigasim: error:' line"; fail=1; fi
if [ -e "$out" ]; then echo "FAIL: an output directory was left behind"; fail=1; fi
if [ $fail -ne 0 ]; then echo "--- stderr:"; cat "$work/stderr"; exit 1; fi
echo "ok: $(head -c 300 "$work/stderr")"
