#include "tools/redis_log.h"

#include <fmt/format.h>

#include <ostream>

namespace tools {
namespace {

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
CivilDate civil_from_days(int64_t days) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  auto doe = static_cast<uint64_t>(days - era * 146097);
  uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  uint64_t mp = (5 * doy + 2) / 153;
  auto day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  int64_t year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string format_log_time(int64_t unix_us) {
  int64_t ms = floor_div(unix_us, 1000);
  int64_t days = floor_div(ms, 86400000);
  int64_t ms_of_day = ms - days * 86400000;
  CivilDate date = civil_from_days(days);
  return fmt::format("{:02} {} {} {:02}:{:02}:{:02}.{:03}", date.day, kMonths[date.month - 1],
                     date.year, ms_of_day / 3600000, ms_of_day / 60000 % 60,
                     ms_of_day / 1000 % 60, ms_of_day % 1000);
}

std::string format_redis_log_line(const sim::TraceRecord& r) {
  return fmt::format("{} {} {} {}", r.tag, format_log_time(r.wall_us), r.level, r.text);
}

void RedisLogSink::write(const sim::TraceRecord& record) {
  if (record.tag.empty() || (!node_.empty() && record.node != node_)) return;
  out_ << format_redis_log_line(record) << '\n';
}

}  // namespace tools
