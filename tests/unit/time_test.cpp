// Durations and times: parse_duration, format_duration, format_seconds (sim/time.h).
#include "sim/time.h"

#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "sim/error.h"

namespace {

constexpr int64_t kSec = 1000 * 1000;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

int64_t us(std::string_view text) { return sim::parse_duration(text).us; }

// parse_duration must throw InputError, and its message must quote the offending string.
void check_rejected(std::string_view text) {
  CAPTURE(text);
  bool threw = false;
  try {
    sim::parse_duration(text);
  } catch (const sim::InputError& e) {
    threw = true;
    std::string message = e.what();
    CAPTURE(message);
    CHECK(message.find("\"" + std::string(text) + "\"") != std::string::npos);
  }
  CHECK(threw);
}

}  // namespace

TEST_CASE("parse_duration reads every unit") {
  CHECK(us("30s") == 30 * kSec);
  CHECK(us("1500ms") == 1500 * 1000);
  CHECK(us("250us") == 250);
  CHECK(us("2m") == 120 * kSec);
  CHECK(us("1h") == 3600 * kSec);
  CHECK(us("0s") == 0);
  CHECK(us("0us") == 0);
  CHECK(us("0h") == 0);
  CHECK(us("007ms") == 7000);
}

TEST_CASE("parse_duration reads decimal fractions down to the microsecond") {
  CHECK(us("1.5s") == 1500 * 1000);
  CHECK(us("1.50s") == 1500 * 1000);
  CHECK(us("0.000001s") == 1);
  CHECK(us("1.000001s") == kSec + 1);
  CHECK(us("0.001ms") == 1);
  CHECK(us("2.5ms") == 2500);
  CHECK(us("1.5m") == 90 * kSec);
  CHECK(us("0.5h") == 1800 * kSec);
  CHECK(us("0.0000001h") == 360);  // 1e-7 h is a whole number of microseconds
  CHECK(us("0.000000000s") == 0);  // nine decimal places are accepted
}

TEST_CASE("parse_duration accepts the largest representable duration") {
  CHECK(us("9223372036854775807us") == kMax);
  CHECK(us("9223372036854.775807s") == kMax);
  CHECK(us("2562047788h") == 2562047788LL * 3600 * kSec);
}

TEST_CASE("parse_duration rejects malformed text with an InputError naming the string") {
  for (std::string_view bad :
       {"", "s", "ms", "30", "30x", "30S", "30 s", " 30s", "30s ", "+5s", "-5s", "1.5", ".5s",
        "1.s", "1..5s", "1e3s", "0x10s", "30sec", "30ss", "1.5.5s", "5m5s", "nan", "infs"}) {
    check_rejected(bad);
  }
}

TEST_CASE("parse_duration rejects precision finer than a microsecond") {
  for (std::string_view bad : {"1.0000001s", "0.5us", "1.0001ms", "0.0000001s",
                               "0.00000001m", "0.000000001h", "1.0000000001s"}) {
    check_rejected(bad);
  }
}

TEST_CASE("parse_duration rejects durations that overflow 64-bit microseconds") {
  for (std::string_view bad :
       {"99999999999999999999s", "9223372036854775807h", "9223372036854775808us",
        "9223372036854.775808s", "9223372036855s", "2562047789h", "153722867281m",
        "99999999999999999999999999999999999999us", "9223372036854775807.5us"}) {
    check_rejected(bad);
  }
}

TEST_CASE("format_duration prints the largest unit that is exact") {
  CHECK(sim::format_duration(sim::Duration{0}) == "0s");
  CHECK(sim::format_duration(sim::Duration::micros(1)) == "1us");
  CHECK(sim::format_duration(sim::Duration::micros(250)) == "250us");
  CHECK(sim::format_duration(sim::Duration::micros(1001)) == "1001us");
  CHECK(sim::format_duration(sim::Duration::millis(1)) == "1ms");
  CHECK(sim::format_duration(sim::Duration::millis(1500)) == "1500ms");
  CHECK(sim::format_duration(sim::Duration::seconds(30)) == "30s");
  CHECK(sim::format_duration(sim::Duration::seconds(90)) == "90s");
  CHECK(sim::format_duration(sim::Duration::minutes(2)) == "2m");
  CHECK(sim::format_duration(sim::Duration::minutes(90)) == "90m");
  CHECK(sim::format_duration(sim::Duration::minutes(60)) == "1h");
  CHECK(sim::format_duration(sim::Duration::minutes(60 * 25)) == "25h");
  CHECK(sim::format_duration(sim::Duration{kMax}) == "9223372036854775807us");
  CHECK(sim::format_duration(sim::Duration::seconds(-30)) == "-30s");
}

TEST_CASE("format_duration of a parsed canonical string gives the string back") {
  for (std::string_view text : {"0s", "30s", "1500ms", "250us", "2m", "1h", "90s", "1001us",
                                "25h", "59m", "61s", "999ms", "9223372036854775807us"}) {
    CAPTURE(text);
    CHECK(sim::format_duration(sim::parse_duration(text)) == text);
  }
}

TEST_CASE("format_duration normalises non-canonical spellings") {
  CHECK(sim::format_duration(sim::parse_duration("1000ms")) == "1s");
  CHECK(sim::format_duration(sim::parse_duration("1.5s")) == "1500ms");
  CHECK(sim::format_duration(sim::parse_duration("0.5h")) == "30m");
  CHECK(sim::format_duration(sim::parse_duration("120m")) == "2h");
  CHECK(sim::format_duration(sim::parse_duration("0ms")) == "0s");
}

TEST_CASE("parse_duration inverts format_duration for any non-negative duration") {
  CHECK(rc::check("parse(format(d)) == d, d uniform over int64", [] {
    const int64_t d = *rc::gen::inRange<int64_t>(0, kMax);
    RC_ASSERT(sim::parse_duration(sim::format_duration(sim::Duration{d})).us == d);
  }));
  CHECK(rc::check("parse(format(d)) == d, d a multiple of a unit", [] {
    const int64_t unit = *rc::gen::element(int64_t{1}, int64_t{1000}, kSec, 60 * kSec, 3600 * kSec);
    const int64_t n = *rc::gen::inRange<int64_t>(0, 1000 * 1000);
    const std::string text = sim::format_duration(sim::Duration{n * unit});
    RC_ASSERT(sim::parse_duration(text).us == n * unit);
    // The largest exact unit: the number printed is not a multiple of the next unit up.
    if (text.ends_with("us")) RC_ASSERT(n * unit % 1000 != 0);
    if (text.ends_with("ms")) RC_ASSERT(n * unit % kSec != 0);
  }));
}

TEST_CASE("parse_duration reads seconds with up to six decimals exactly") {
  CHECK(rc::check("W.FFFFFFs == W*1e6 + F", [] {
    const int64_t whole = *rc::gen::inRange<int64_t>(0, 1000 * 1000 * 1000);
    const int64_t frac = *rc::gen::inRange<int64_t>(0, kSec);
    std::string digits = std::to_string(frac);
    std::string text = std::to_string(whole) + "." + std::string(6 - digits.size(), '0') +
                       digits + "s";
    RC_ASSERT(sim::parse_duration(text).us == whole * kSec + frac);
  }));
}

TEST_CASE("format_seconds prints seconds with three decimals") {
  CHECK(sim::format_seconds(sim::Time{0}) == "0.000s");
  CHECK(sim::format_seconds(sim::Time{30'012'000}) == "30.012s");
  CHECK(sim::format_seconds(sim::Time{1'000}) == "0.001s");
  CHECK(sim::format_seconds(sim::Time{1'050'000}) == "1.050s");
  CHECK(sim::format_seconds(sim::Time{3600 * kSec}) == "3600.000s");
  CHECK(sim::format_seconds(sim::Time{-1'500'000}) == "-1.500s");
}

TEST_CASE("format_seconds truncates to the millisecond") {
  CHECK(sim::format_seconds(sim::Time{999}) == "0.000s");
  CHECK(sim::format_seconds(sim::Time{30'012'999}) == "30.012s");
  CHECK(sim::format_seconds(sim::Time{1'999'999}) == "1.999s");
}
