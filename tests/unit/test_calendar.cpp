#include <catch2/catch.hpp>

#include "models/calendar.hpp"

using namespace gigasim;

TEST_CASE("ISO dates parse strictly and advance by whole days") {
  REQUIRE(parse_iso_date("2026-01-31"));
  CHECK_FALSE(parse_iso_date("2026-02-30"));
  CHECK_FALSE(parse_iso_date("2026-1-1"));
  CHECK_FALSE(parse_iso_date("tomorrow"));
  const Date d = *parse_iso_date("2026-01-31");
  CHECK(format_iso_date(add_seconds(d, 86400.0)) == "2026-02-01");
  CHECK(format_iso_date(add_seconds(d, 86399.0)) == "2026-01-31");
  CHECK(format_iso_date(add_seconds(*parse_iso_date("2028-02-28"), 86400.0)) == "2028-02-29");
}
