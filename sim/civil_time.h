// Unix times as UTC calendar dates and times of day (proleptic Gregorian), for the texts that
// print a node's wall clock: log timestamps, ctime().
#pragma once

#include <cstdint>
#include <string_view>

namespace sim {

struct CivilTime {
  int64_t year;
  unsigned month;    // 1..12
  unsigned day;      // 1..31
  unsigned weekday;  // 0 = Sunday
  unsigned hour, minute, second;
};

inline constexpr std::string_view kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
inline constexpr std::string_view kWeekdayNames[] = {"Sun", "Mon", "Tue", "Wed",
                                                     "Thu", "Fri", "Sat"};

// Rounds toward minus infinity (negative times are before 1970).
constexpr int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// The calendar time of `unix_s` seconds since 1970-01-01 UTC (Howard Hinnant's
// civil_from_days).
constexpr CivilTime civil_time(int64_t unix_s) {
  int64_t days = floor_div(unix_s, 86400);
  int64_t secs = unix_s - days * 86400;
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return CivilTime{yoe + era * 400 + (month <= 2 ? 1 : 0),
                   month,
                   static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1),
                   static_cast<unsigned>(((days % 7) + 11) % 7),  // 1970-01-01 was a Thursday
                   static_cast<unsigned>(secs / 3600),
                   static_cast<unsigned>(secs / 60 % 60),
                   static_cast<unsigned>(secs % 60)};
}

}  // namespace sim
