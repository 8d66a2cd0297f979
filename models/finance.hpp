// Finance of a capex schedule, month by month: straight-line depreciation over each item's life, a debt
// share of each purchase borrowed and repaid in equal monthly payments (annuity) over the loan's term, the
// rest paid with equity at purchase, maintenance as a yearly share of the capex in service, and the present
// value of a cash stream. Pure arithmetic (docs/models.md#cost-and-finance).
//
// Months are reporting months (twelfths of a Julian year, models/units.hpp). A purchase at time s (in
// months, fractional) is paid in month floor(s); it is depreciated and maintained from s, each month
// booking its overlap with [s, s + life) within the horizon (so a partial first or last month books a
// part); loan payments are monthly, from month floor(s) + 1. Annual rates compound monthly: the monthly
// rate is (1 + r)^(1/12) - 1.
#pragma once

#include <cstddef>
#include <vector>

namespace gigasim {

struct FinancePlan {
  double debt_share = 0;  // of each purchase, in [0, 1]
  double interest_rate = 0;  // per year
  double loan_term_months = 0;  // > 0 when debt_share > 0
  double discount_rate = 0;  // per year, for present values
  double maintenance_share = 0;  // of the capex in service, per year
};

struct CapexItem {
  double start_month = 0;  // purchase time, in reporting months from the start (fractional)
  double usd = 0;
  double life_months = 0;  // depreciation life (> 0); the item is in service for this long
};

struct FinanceMonth {
  double capex_usd = 0;  // purchases in the month
  double equity_usd = 0;  // their equity part (paid now)
  double debt_drawn_usd = 0;  // their debt part (borrowed now)
  double interest_usd = 0;  // paid on the outstanding debt
  double principal_usd = 0;  // repaid
  double debt_outstanding_usd = 0;  // at the end of the month
  double depreciation_usd = 0;
  double maintenance_usd = 0;
  // Cash out in the month: equity + interest + principal + maintenance (opex is added by the caller).
  double cash_usd() const { return equity_usd + interest_usd + principal_usd + maintenance_usd; }
};

double monthly_rate(double annual_rate);
// The equal monthly payment that repays `principal` over `months` at `rate` per month.
double annuity_payment(double principal, double rate, double months);

// The schedule over `months` reporting months, the horizon ending at `horizon_months` (<= months; the last
// month may be partial; by default the months are whole). Items purchased at or after the horizon are
// ignored. Debt not yet repaid at the end stays in debt_outstanding_usd; depreciation stops at the horizon.
std::vector<FinanceMonth> finance_schedule(const std::vector<CapexItem>& items, const FinancePlan& plan, std::size_t months,
                                           double horizon_months = -1);

// Present value at time 0 of an amount per month, each counted at the end of its month, discounted at
// `annual_rate`.
double present_value(const std::vector<double>& usd_by_month, double annual_rate);

}  // namespace gigasim
