#include "sim/time.h"

#include <fmt/format.h>

#include <limits>

#include "sim/error.h"

namespace sim {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t us;
};
// Longest suffixes first so "ms" is not read as "m" followed by garbage.
constexpr Unit kUnits[] = {{"us", 1}, {"ms", 1000}, {"s", 1000 * 1000},
                           {"m", 60LL * 1000 * 1000}, {"h", 3600LL * 1000 * 1000}};

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw InputError(fmt::format("invalid duration \"{}\": {}", text, why));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Duration parse_duration(std::string_view text) {
  constexpr std::string_view kExpected =
      "expected a non-negative number followed by us, ms, s, m or h (e.g. 30s, 1500ms)";
  size_t i = 0;
  int64_t whole = 0;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  while (i < text.size() && is_digit(text[i])) {
    int64_t digit = text[i] - '0';
    if (whole > (kMax - digit) / 10) fail(text, "too large");
    whole = whole * 10 + digit;
    ++i;
  }
  if (i == 0) fail(text, kExpected);
  int64_t frac = 0, frac_scale = 1;  // fraction = frac / frac_scale
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t start = i;
    while (i < text.size() && is_digit(text[i])) {
      if (frac_scale < 1000 * 1000 * 1000) {
        frac = frac * 10 + (text[i] - '0');
        frac_scale *= 10;
      } else if (text[i] != '0') {  // trailing zeros past nanoseconds change nothing
        fail(text, "finer than a microsecond");
      }
      ++i;
    }
    if (i == start) fail(text, kExpected);
  }
  std::string_view suffix = text.substr(i);
  for (const Unit& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    if (whole > kMax / unit.us) fail(text, "too large");
    int64_t frac_us = frac * unit.us;
    if (frac_us % frac_scale != 0) fail(text, "finer than a microsecond");
    int64_t total = whole * unit.us;
    if (total > kMax - frac_us / frac_scale) fail(text, "too large");
    return Duration{total + frac_us / frac_scale};
  }
  fail(text, kExpected);
}

std::string format_duration(Duration d) {
  if (d.us == 0) return "0s";
  size_t i = std::size(kUnits) - 1;
  while (d.us % kUnits[i].us != 0) --i;  // kUnits[0] is 1us, which divides everything
  return fmt::format("{}{}", d.us / kUnits[i].us, kUnits[i].suffix);
}

std::string format_seconds(Time t) {
  // Truncates towards zero on the magnitude, so -1500us prints "-0.001s" and -1us "-0.000s".
  const char* sign = t.us < 0 ? "-" : "";
  uint64_t ms = (t.us < 0 ? 0 - static_cast<uint64_t>(t.us) : static_cast<uint64_t>(t.us)) / 1000;
  return fmt::format("{}{}.{:03}s", sign, ms / 1000, ms % 1000);
}

}  // namespace sim
