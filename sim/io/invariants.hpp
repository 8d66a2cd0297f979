// Invariants checked on every run before anything is written. A violation is a bug in gigasim, never
// bad input: it throws std::logic_error ("invariant violated: ..."), which main reports as an internal
// error (exit 1), and no output is written.
//   - energy conservation: the monthly IT energy sums to the total over hosts (1e-9 relative)
//   - the monthly series cover the horizon exactly
//   - no job trains more than its target or ends before it starts
//   - the site power envelope: no month's average facility power exceeds the site's power
//   - costs: the monthly costs sum to the totals, the cumulative cost ends at the total
// (Chips allocated twice or beyond what is installed are caught where they would happen, in the
// simulation's fleet, with the same exception.)
#pragma once

#include <vector>

#include "models/scenario.hpp"
#include "report.hpp"
#include "results.hpp"

namespace gigasim::io {

void check_invariants(const Scenario& scenario, const std::vector<ChoiceResult>& results, const RunOutputs& outputs);

}  // namespace gigasim::io
