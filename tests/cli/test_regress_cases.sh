#!/usr/bin/env bash
# The regression gate (docs/regression.md): every case of tests/regress/cases.yaml (the quick start, the
# `gigasim run` and `gigasim estimate` validation cases, serving, the power cap, the ten-year fleet and the
# flagship cut to one year) run with this build and compared, value by value, with the committed baselines
# in tests/regress/baselines/. A failure lists which metric, choice and month moved and by how much; after an
# intended change of the model, `tools/regress run --update --gigasim BIN` rewrites the baselines.
source "$(dirname "$0")/lib.sh" "$@"
"$SRC/tools/regress" run --gigasim "$BIN" || fail "tools/regress run: outputs moved from tests/regress/baselines (see above)"
finish
