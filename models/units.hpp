// Unit constants. Every quantity in gigasim is SI (seconds, watts, joules, bytes, FLOP, US dollars);
// these constants convert at the edges (loading, reporting) and nowhere else.
#pragma once

namespace gigasim::units {

inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kSecondsPerDay = 86400.0;
// A year is the Julian year (365.25 d) and a month is a twelfth of it (30.4375 d): simulated time is
// continuous and these are reporting periods, so they must divide the horizon evenly and reproducibly.
inline constexpr double kSecondsPerYear = 365.25 * kSecondsPerDay;
inline constexpr double kSecondsPerMonth = kSecondsPerYear / 12.0;
inline constexpr double kJoulesPerKwh = 3.6e6;
inline constexpr double kJoulesPerMwh = 3.6e9;

}  // namespace gigasim::units
