// Finance of a capex schedule (models/finance.hpp): every expected value is computed here by hand or from
// a closed form, never by calling the function under test a second way.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "models/finance.hpp"

using namespace gigasim;

namespace {
// The balance of a loan of `principal` at `rate` per month after k payments of `payment` (closed form).
double balance_after(double principal, double rate, double payment, int k) {
  const double g = std::pow(1.0 + rate, k);
  return rate == 0 ? principal - payment * k : principal * g - payment * (g - 1.0) / rate;
}
// The annual rate whose monthly compounding is exactly `monthly`.
double annual_for_monthly(double monthly) { return std::pow(1.0 + monthly, 12) - 1.0; }

double sum_of(const std::vector<FinanceMonth>& s, double FinanceMonth::*field) {
  double total = 0;
  for (const FinanceMonth& m : s) total += m.*field;
  return total;
}
}  // namespace

TEST_CASE("monthly_rate compounds the annual rate over twelve months", "[finance]") {
  CHECK(monthly_rate(0) == 0);
  // 1.12^(1/12) - 1, computed independently
  CHECK(monthly_rate(0.12) == Approx(0.009488792934583046).epsilon(1e-12));
  CHECK(std::pow(1.0 + monthly_rate(0.12), 12) == Approx(1.12).epsilon(1e-12));
  CHECK(std::pow(1.0 + monthly_rate(0.05), 12) == Approx(1.05).epsilon(1e-12));
  // Not the simple twelfth of the rate.
  CHECK(monthly_rate(0.12) < 0.01);
  CHECK(monthly_rate(annual_for_monthly(0.01)) == Approx(0.01).epsilon(1e-12));
}

TEST_CASE("annuity_payment matches the closed form and repays the loan in its term", "[finance]") {
  // 1000 at 1% a month over 12 months: 1000 x 0.01 / (1 - 1.01^-12) = 88.8487886783...
  CHECK(annuity_payment(1000, 0.01, 12) == Approx(88.8487886783416).epsilon(1e-12));
  CHECK(annuity_payment(600, 0.01, 12) == Approx(53.30927320700496).epsilon(1e-12));
  // Month by month, the balance reaches 0 after the last payment and not before.
  const double payment = annuity_payment(1000, 0.01, 12);
  double balance = 1000;
  for (int k = 1; k <= 12; ++k) {
    balance = balance * 1.01 - payment;
    if (k < 12) CHECK(balance > 1);
  }
  CHECK(balance == Approx(0).margin(1e-9));
  // A zero rate: equal shares of the principal.
  CHECK(annuity_payment(1200, 0, 12) == Approx(100));
  CHECK(annuity_payment(1000, 0, 2.5) == Approx(400));
  // A one-month loan is repaid with its interest.
  CHECK(annuity_payment(1000, 0.02, 1) == Approx(1020));
  CHECK_THROWS_AS(annuity_payment(1000, 0.01, 0), std::invalid_argument);
  CHECK_THROWS_AS(annuity_payment(1000, 0.01, -1), std::invalid_argument);
}

TEST_CASE("a purchase in month m: equity at m, first payment at m plus 1, interest plus principal equals the payment",
          "[finance]") {
  FinancePlan plan;
  plan.debt_share = 0.6;
  plan.interest_rate = annual_for_monthly(0.01);  // exactly 1% a month
  plan.loan_term_months = 12;
  const std::size_t horizon = 20;
  const auto s = finance_schedule({{2, 1000, 1000}}, plan, horizon);
  REQUIRE(s.size() == horizon);
  const double debt = 600, r = 0.01;
  const double payment = debt * r / (1 - std::pow(1 + r, -12));  // 53.309...
  for (std::size_t m = 0; m < 2; ++m) {
    CHECK(s[m].capex_usd == 0);
    CHECK(s[m].equity_usd == 0);
    CHECK(s[m].debt_outstanding_usd == 0);
  }
  CHECK(s[2].capex_usd == Approx(1000));
  CHECK(s[2].equity_usd == Approx(400));
  CHECK(s[2].debt_drawn_usd == Approx(600));
  CHECK(s[2].interest_usd == 0);
  CHECK(s[2].principal_usd == 0);
  CHECK(s[2].debt_outstanding_usd == Approx(600));
  CHECK(s[3].interest_usd == Approx(6.0));  // 1% of 600
  CHECK(s[3].principal_usd == Approx(payment - 6.0));
  for (int k = 1; k <= 12; ++k) {
    const FinanceMonth& f = s[static_cast<std::size_t>(2 + k)];
    CHECK(f.interest_usd + f.principal_usd == Approx(payment));
    CHECK(f.interest_usd == Approx(balance_after(debt, r, payment, k - 1) * r));
    CHECK(f.debt_outstanding_usd == Approx(balance_after(debt, r, payment, k)).margin(1e-6));
  }
  CHECK(s[14].debt_outstanding_usd == Approx(0).margin(1e-6));
  for (std::size_t m = 15; m < horizon; ++m) {
    CHECK(s[m].interest_usd == 0);
    CHECK(s[m].principal_usd == 0);
    CHECK(s[m].debt_outstanding_usd == Approx(0).margin(1e-6));
  }
  CHECK(sum_of(s, &FinanceMonth::principal_usd) == Approx(600));
  CHECK(sum_of(s, &FinanceMonth::interest_usd) == Approx(12 * payment - 600));
  // Cash out: equity, interest and principal (no maintenance here).
  CHECK(s[2].cash_usd() == Approx(400));
  CHECK(s[5].cash_usd() == Approx(payment));
}

TEST_CASE("a zero-rate loan repays equal shares of the principal", "[finance]") {
  FinancePlan plan;
  plan.debt_share = 1;
  plan.loan_term_months = 12;
  const auto s = finance_schedule({{0, 1200, 24}}, plan, 16);
  CHECK(s[0].equity_usd == 0);
  CHECK(s[0].debt_drawn_usd == Approx(1200));
  CHECK(s[0].debt_outstanding_usd == Approx(1200));
  for (std::size_t m = 1; m <= 12; ++m) {
    CHECK(s[m].interest_usd == 0);
    CHECK(s[m].principal_usd == Approx(100));
    CHECK(s[m].debt_outstanding_usd == Approx(1200 - 100.0 * static_cast<double>(m)).margin(1e-6));
  }
  for (std::size_t m = 13; m < 16; ++m) CHECK(s[m].principal_usd == 0);
}

TEST_CASE("a fractional loan term ends with a partial payment", "[finance]") {
  FinancePlan plan;
  plan.debt_share = 1;
  plan.loan_term_months = 2.5;
  const auto s = finance_schedule({{0, 1000, 24}}, plan, 6);
  const double principal[] = {0, 400, 400, 200, 0, 0};
  for (std::size_t m = 0; m < 6; ++m) CHECK(s[m].principal_usd == Approx(principal[m]).margin(1e-9));
  CHECK(s[3].debt_outstanding_usd == Approx(0).margin(1e-9));
  // With interest: the last payment is what is left, with its interest.
  plan.interest_rate = annual_for_monthly(0.01);
  const auto i = finance_schedule({{0, 1000, 24}}, plan, 6);
  const double payment = 1000 * 0.01 / (1 - std::pow(1.01, -2.5));
  const double left = balance_after(1000, 0.01, payment, 2);
  CHECK(i[1].interest_usd + i[1].principal_usd == Approx(payment));
  CHECK(i[3].principal_usd == Approx(left));
  CHECK(i[3].interest_usd == Approx(left * 0.01));
  CHECK(i[3].interest_usd + i[3].principal_usd < payment);
  CHECK(i[4].principal_usd == 0);
  CHECK(sum_of(i, &FinanceMonth::principal_usd) == Approx(1000));
}

TEST_CASE("a loan longer than the horizon leaves debt outstanding at its end", "[finance]") {
  FinancePlan plan;
  plan.debt_share = 0.5;
  plan.interest_rate = 0.12;
  plan.loan_term_months = 24;
  const auto s = finance_schedule({{0, 2000, 60}}, plan, 6);
  const double r = std::pow(1.12, 1.0 / 12) - 1;
  const double payment = 1000 * r / (1 - std::pow(1 + r, -24));
  // Payments in months 1..5: five of them.
  CHECK(s.back().debt_outstanding_usd == Approx(balance_after(1000, r, payment, 5)));
  CHECK(sum_of(s, &FinanceMonth::principal_usd) == Approx(1000 - balance_after(1000, r, payment, 5)));
  CHECK(s[1].interest_usd == Approx(1000 * r));
}

TEST_CASE("two loans add up in the outstanding debt", "[finance]") {
  FinancePlan plan;
  plan.debt_share = 1;
  plan.loan_term_months = 4;
  // 400 in month 0 (100 a month from month 1), 800 in month 2 (200 a month from month 3).
  const auto s = finance_schedule({{0, 400, 10}, {2, 800, 10}}, plan, 8);
  const double expected[] = {400, 300, 1000, 700, 400, 200, 0, 0};
  for (std::size_t m = 0; m < 8; ++m) CHECK(s[m].debt_outstanding_usd == Approx(expected[m]).margin(1e-9));
  CHECK(s[3].principal_usd == Approx(300));
  CHECK(s[5].principal_usd == Approx(200));
}

TEST_CASE("straight-line depreciation sums to the price over the life and stops at the horizon", "[finance]") {
  const FinancePlan plan;
  const auto full = finance_schedule({{0, 1200, 12}}, plan, 24);
  for (std::size_t m = 0; m < 12; ++m) CHECK(full[m].depreciation_usd == Approx(100));
  for (std::size_t m = 12; m < 24; ++m) CHECK(full[m].depreciation_usd == 0);
  CHECK(sum_of(full, &FinanceMonth::depreciation_usd) == Approx(1200));
  // Bought in month 3: depreciated in months 3..14.
  const auto later = finance_schedule({{3, 1200, 12}}, plan, 24);
  CHECK(later[2].depreciation_usd == 0);
  CHECK(later[3].depreciation_usd == Approx(100));
  CHECK(later[14].depreciation_usd == Approx(100));
  CHECK(later[15].depreciation_usd == 0);
  // The horizon cuts it: half the life, half the price.
  const auto cut = finance_schedule({{0, 1200, 12}}, plan, 6);
  CHECK(sum_of(cut, &FinanceMonth::depreciation_usd) == Approx(600));
  // Equity pays for it all without debt.
  CHECK(full[0].equity_usd == Approx(1200));
  CHECK(full[0].debt_drawn_usd == 0);
}

TEST_CASE("a fractional life ends with a partial month", "[finance]") {
  FinancePlan plan;
  plan.maintenance_share = 0.12;  // 1% a month
  const auto s = finance_schedule({{1, 1000, 2.5}}, plan, 6);
  const double depreciation[] = {0, 400, 400, 200, 0, 0};
  const double maintenance[] = {0, 10, 10, 5, 0, 0};
  for (std::size_t m = 0; m < 6; ++m) {
    CHECK(s[m].depreciation_usd == Approx(depreciation[m]).margin(1e-9));
    CHECK(s[m].maintenance_usd == Approx(maintenance[m]).margin(1e-9));
  }
  CHECK(sum_of(s, &FinanceMonth::depreciation_usd) == Approx(1000));
  // A life shorter than a month: all of it in the purchase month.
  const auto short_life = finance_schedule({{0, 1000, 0.25}}, plan, 3);
  CHECK(short_life[0].depreciation_usd == Approx(1000));
  CHECK(short_life[0].maintenance_usd == Approx(2.5));
  CHECK(short_life[1].depreciation_usd == 0);
}

TEST_CASE("maintenance is a yearly share of the capex in service", "[finance]") {
  FinancePlan plan;
  plan.maintenance_share = 0.06;
  const auto s = finance_schedule({{0, 12000, 24}}, plan, 36);
  for (std::size_t m = 0; m < 24; ++m) CHECK(s[m].maintenance_usd == Approx(60));
  for (std::size_t m = 24; m < 36; ++m) CHECK(s[m].maintenance_usd == 0);
  double first_year = 0;
  for (std::size_t m = 0; m < 12; ++m) first_year += s[m].maintenance_usd;
  CHECK(first_year == Approx(0.06 * 12000));
  CHECK(s[0].cash_usd() == Approx(12000 + 60));
  CHECK(s[1].cash_usd() == Approx(60));
}

TEST_CASE("items purchased at or after the horizon are ignored", "[finance]") {
  FinancePlan plan;
  plan.debt_share = 0.5;
  plan.loan_term_months = 12;
  plan.maintenance_share = 0.1;
  const auto s = finance_schedule({{5, 1000, 10}, {9, 1000, 10}}, plan, 5);
  REQUIRE(s.size() == 5);
  for (const FinanceMonth& m : s) {
    CHECK(m.capex_usd == 0);
    CHECK(m.depreciation_usd == 0);
    CHECK(m.maintenance_usd == 0);
    CHECK(m.debt_outstanding_usd == 0);
  }
  CHECK(finance_schedule({}, plan, 0).empty());
}

TEST_CASE("invalid finance inputs throw", "[finance]") {
  FinancePlan plan;
  plan.loan_term_months = 12;
  const std::vector<CapexItem> item{{0, 1000, 12}};
  plan.debt_share = -0.1;
  CHECK_THROWS_AS(finance_schedule(item, plan, 3), std::invalid_argument);
  plan.debt_share = 1.1;
  CHECK_THROWS_AS(finance_schedule(item, plan, 3), std::invalid_argument);
  plan.debt_share = 1;
  CHECK_NOTHROW(finance_schedule(item, plan, 3));
  plan.debt_share = 0.5;
  plan.loan_term_months = 0;
  CHECK_THROWS_AS(finance_schedule(item, plan, 3), std::invalid_argument);
  plan.loan_term_months = -12;
  CHECK_THROWS_AS(finance_schedule(item, plan, 3), std::invalid_argument);
  CHECK_THROWS_AS(finance_schedule({}, plan, 3), std::invalid_argument);  // the plan itself is invalid
  plan.debt_share = 0;  // no debt: no term needed
  plan.loan_term_months = 0;
  CHECK_NOTHROW(finance_schedule(item, plan, 3));
  CHECK_THROWS_AS(finance_schedule({{0, 1000, 0}}, plan, 3), std::invalid_argument);
  CHECK_THROWS_AS(finance_schedule({{1, 1000, -5}}, plan, 3), std::invalid_argument);
}

TEST_CASE("present value of a constant stream equals the annuity formula", "[finance]") {
  const double r = std::pow(1.08, 1.0 / 12) - 1;
  const std::vector<double> stream(24, 100.0);
  // 100 x (1 - (1 + r)^-24) / r, and (1 + r)^-24 = 1.08^-2.
  CHECK(present_value(stream, 0.08) == Approx(100 * (1 - 1 / (1.08 * 1.08)) / r));
  CHECK(present_value(stream, 0) == Approx(2400));
  CHECK(present_value({}, 0.08) == 0);
}

TEST_CASE("present value discounts each amount at the end of its month", "[finance]") {
  const double r = std::pow(1.10, 1.0 / 12) - 1;
  // An amount in month 0 is discounted one month; one in month 11, a full year.
  CHECK(present_value({100}, 0.10) == Approx(100 / (1 + r)));
  std::vector<double> last(12, 0.0);
  last[11] = 110;
  CHECK(present_value(last, 0.10) == Approx(100));
  std::vector<double> second_year(24, 0.0);
  second_year[23] = 121;
  CHECK(present_value(second_year, 0.10) == Approx(100));
}

TEST_CASE("loan payments discounted at the loan's rate are worth the debt", "[finance]") {
  FinancePlan plan;
  plan.debt_share = 1;
  plan.interest_rate = 0.09;
  plan.loan_term_months = 36;
  const auto s = finance_schedule({{0, 5000, 60}}, plan, 40);
  std::vector<double> payments;
  for (const FinanceMonth& m : s) payments.push_back(m.interest_usd + m.principal_usd);
  // Drawn at the end of month 0, repaid from the end of month 1: worth the debt one month before the draw.
  const double r = std::pow(1.09, 1.0 / 12) - 1;
  CHECK(present_value(payments, 0.09) == Approx(5000 / (1 + r)));
}

TEST_CASE("finance: a purchase mid-month and a horizon mid-month book only the months' overlaps", "[finance]") {
  FinancePlan plan;
  plan.maintenance_share = 0.12;  // 1% a month
  // $1,200 bought at month 1.25, life 12 months; horizon 3.5 months (4 reporting months, the last half).
  const std::vector<FinanceMonth> f = finance_schedule({{1.25, 1200.0, 12.0}}, plan, 4, 3.5);
  REQUIRE(f.size() == 4);
  CHECK(f[0].depreciation_usd == 0);
  CHECK(f[1].capex_usd == 1200.0);  // paid in the month it is bought
  CHECK(f[1].depreciation_usd == Approx(100.0 * 0.75));  // in service 3/4 of month 1
  CHECK(f[2].depreciation_usd == Approx(100.0));
  CHECK(f[3].depreciation_usd == Approx(100.0 * 0.5));  // the horizon ends halfway through month 3
  CHECK(f[1].maintenance_usd == Approx(12.0 * 0.75));
  CHECK(f[3].maintenance_usd == Approx(12.0 * 0.5));
  // Bought after the horizon (but within the last reporting month): ignored.
  const std::vector<FinanceMonth> late = finance_schedule({{3.75, 1200.0, 12.0}}, plan, 4, 3.5);
  CHECK(late[3].capex_usd == 0);
}
