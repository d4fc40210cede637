// Redis's own log format for trace records that carry a log tag (servers, sentinels):
//   12345:M 21 Nov 2026 21:02:39.474 * Ready to accept connections
// the tag ("pid:role"), the node's wall clock in UTC with milliseconds, the level mark, the
// text (server.c serverLogRaw).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "sim/trace.h"

namespace tools {

// "21 Nov 2026 21:02:39.474" for a unix time in microseconds (UTC).
std::string format_log_time(int64_t unix_us);
// One log line, without its newline.
std::string format_redis_log_line(const sim::TraceRecord& record);

// Writes the log lines of one node (or of all, when `node` is empty), as its logfile would.
class RedisLogSink : public sim::TraceSink {
 public:
  RedisLogSink(std::ostream& out, std::string node) : out_(out), node_(std::move(node)) {}
  void write(const sim::TraceRecord& record) override;

 private:
  std::ostream& out_;
  std::string node_;
};

}  // namespace tools
