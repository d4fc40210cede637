#include "tools/redis_log.h"

#include <fmt/format.h>

#include <ostream>

#include "sim/civil_time.h"

namespace tools {

std::string format_log_time(int64_t unix_us) {
  int64_t ms = sim::floor_div(unix_us, 1000);
  sim::CivilTime t = sim::civil_time(sim::floor_div(ms, 1000));
  return fmt::format("{:02} {} {} {:02}:{:02}:{:02}.{:03}", t.day, sim::kMonthNames[t.month - 1],
                     t.year, t.hour, t.minute, t.second, ms - sim::floor_div(ms, 1000) * 1000);
}

std::string format_redis_log_line(const sim::TraceRecord& r) {
  return fmt::format("{} {} {} {}", r.tag, format_log_time(r.wall_us), r.level, r.text);
}

void RedisLogSink::write(const sim::TraceRecord& record) {
  if (record.tag.empty() || (!node_.empty() && record.node != node_)) return;
  out_ << format_redis_log_line(record) << '\n';
}

}  // namespace tools
