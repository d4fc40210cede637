// Redis's log line format, as real 7.0 logs show it (walkthrough logs in shared/oracle).
#include <doctest/doctest.h>

#include <sstream>

#include "tests/unit/redis_harness.h"
#include "tools/redis_log.h"

TEST_CASE("log times print like Redis's: day, month name, year, time with milliseconds") {
  // 2026-11-21 21:02:39.474 UTC, the first line of a real walkthrough log.
  CHECK(tools::format_log_time(1795294959474000) == "21 Nov 2026 21:02:39.474");
  CHECK(tools::format_log_time(0) == "01 Jan 1970 00:00:00.000");
  CHECK(tools::format_log_time(951782400000000) == "29 Feb 2000 00:00:00.000");  // leap day
  CHECK(tools::format_log_time(-1000) == "31 Dec 1969 23:59:59.999");
}

TEST_CASE("a server's log starts as real Redis's does, with C then M role marks") {
  test::RedisWorld w;
  std::ostringstream out;
  tools::RedisLogSink sink(out, "master");
  w.world.trace().add_sink(&sink);
  w.add_server("master", 6379);
  w.run_for(sim::Duration::millis(10));
  std::string log = out.str();
  std::string first = log.substr(0, log.find('\n'));
  // "<pid>:C 01 Jan 2026 00:00:00.000 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"
  CHECK(first.find(":C 01 Jan 2026 00:00:00.000 # oO0OoO0OoO0Oo Redis is starting") !=
        std::string::npos);
  CHECK(log.find(":M 01 Jan 2026 00:00:00.000 * Ready to accept connections\n") !=
        std::string::npos);
  CHECK(log.find(":C 01 Jan 2026 00:00:00.000 # Configuration loaded\n") != std::string::npos);
}
