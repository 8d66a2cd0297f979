#include "finance.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gigasim {

double monthly_rate(double annual_rate) { return std::pow(1.0 + annual_rate, 1.0 / 12.0) - 1.0; }

double annuity_payment(double principal, double rate, double months) {
  if (!(months > 0)) throw std::invalid_argument("annuity_payment: the term must be > 0 months");
  if (rate == 0) return principal / months;
  return principal * rate / (1.0 - std::pow(1.0 + rate, -months));
}

std::vector<FinanceMonth> finance_schedule(const std::vector<CapexItem>& items, const FinancePlan& plan, std::size_t months, double horizon_months) {
  const double horizon = horizon_months < 0 ? static_cast<double>(months) : std::min(horizon_months, static_cast<double>(months));
  if (plan.debt_share < 0 || plan.debt_share > 1) throw std::invalid_argument("finance_schedule: debt_share must be in [0, 1]");
  if (plan.debt_share > 0 && !(plan.loan_term_months > 0)) throw std::invalid_argument("finance_schedule: a loan needs a term > 0");
  std::vector<FinanceMonth> out(months);
  const double r = monthly_rate(plan.interest_rate);
  const double maintenance_per_month = plan.maintenance_share / 12.0;
  for (const CapexItem& it : items) {
    if (!(it.start_month >= 0)) throw std::invalid_argument("finance_schedule: an item's start must be >= 0");
    if (it.start_month >= horizon || it.usd <= 0) continue;
    if (!(it.life_months > 0)) throw std::invalid_argument("finance_schedule: an item's life must be > 0 months");
    const auto month = static_cast<std::size_t>(std::floor(it.start_month));
    FinanceMonth& buy = out[month];
    const double debt = it.usd * plan.debt_share;
    buy.capex_usd += it.usd;
    buy.equity_usd += it.usd - debt;
    buy.debt_drawn_usd += debt;
    // Straight-line depreciation and maintenance while in service: each month its overlap with
    // [start, start + life) within the horizon.
    const double end = it.start_month + it.life_months;
    for (std::size_t m = month; m < months; ++m) {
      const double from = std::max(it.start_month, static_cast<double>(m)), to = std::min({end, static_cast<double>(m + 1), horizon});
      if (from >= end || from >= horizon) break;
      const double served = std::max(0.0, to - from);
      out[m].depreciation_usd += it.usd / it.life_months * served;
      out[m].maintenance_usd += it.usd * maintenance_per_month * served;
    }
    // The loan: equal payments from the next month; the last one may be partial (a fractional term).
    if (debt > 0) {
      const double payment = annuity_payment(debt, r, plan.loan_term_months);
      double balance = debt;
      for (std::size_t m = month + 1; m < months && balance > 1e-9 * debt; ++m) {
        const double interest = balance * r;
        const double principal = std::min(balance, payment - interest);
        out[m].interest_usd += interest;
        out[m].principal_usd += principal;
        balance -= principal;
      }
    }
  }
  double outstanding = 0;
  for (FinanceMonth& m : out) {
    outstanding += m.debt_drawn_usd - m.principal_usd;
    m.debt_outstanding_usd = std::max(0.0, outstanding);
  }
  return out;
}

double present_value(const std::vector<double>& usd_by_month, double annual_rate) {
  const double r = monthly_rate(annual_rate);
  double pv = 0, factor = 1;
  for (double usd : usd_by_month) {
    factor /= 1.0 + r;
    pv += usd * factor;
  }
  return pv;
}

}  // namespace gigasim
