// How Redis 7.0 reads and writes the values of configuration directives: its number parsers
// (util.c string2ll, memtoull, string2d; libc strtoll as config.c calls it), its glob matcher
// (util.c stringmatchlen) and the formats CONFIG GET / CONFIG REWRITE print.
//
// Invariants:
// - Every function accepts exactly what its Redis counterpart accepts, overflow quirks included
//   (memtoull wraps instead of failing; strtoll clamps and config.c does not look at errno).
// - Functions documented as reading a C string stop at the first NUL byte, as Redis's do.
// - Nothing reads the locale: "space" and "digit" mean the C locale's isspace / isdigit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace model {

// The part of `s` before its first NUL: what a C function sees of a binary-safe sds.
std::string_view c_string(std::string_view s);

// sdstrim(line, " \t\r\n"): how config files' lines are trimmed before anything else.
std::string_view trim_line(std::string_view line);

// strcasecmp(a, b) == 0 on C strings (ASCII case folding).
bool equals_nocase(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);

// string2ll: an optional '-', then "0" or digits without a leading zero, nothing else, at most
// 20 characters, within int64_t. Always inlined: every RESP length and count goes through it,
// and GCC keeps a plain inline function this size out of line (1.3% of a fuzz run).
[[gnu::always_inline]] inline bool parse_ll(std::string_view s, int64_t& value) {
  constexpr size_t kLongStrSize = 21;  // LONG_STR_SIZE
  const size_t n = s.size();
  if (n == 0 || n >= kLongStrSize) return false;
  const bool negative = s[0] == '-';
  size_t i = negative ? 1 : 0;
  if (i == n) return false;
  if (s[i] == '0') {  // "0" alone; a leading zero or "-0" is refused
    if (n != 1) return false;
    value = 0;
    return true;
  }
  uint64_t v = 0;
  // Up to 18 digits (every length, offset and port) cannot overflow; 19 or more may.
  const bool may_overflow = n - i > 18;
  for (; i < n; ++i) {
    const auto d = static_cast<uint64_t>(static_cast<unsigned char>(s[i]) - '0');
    if (d > 9) return false;
    if (may_overflow && v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : uint64_t{INT64_MAX};
  if (v > limit) return false;
  value = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

// strtoll(s, &end, base) on a C string, for base 8 or 10: leading spaces, a sign, digits.
// `whole` is *end == '\0' (true for "" too: no digits leave end at the start); on overflow
// the value clamps to INT64_MIN / INT64_MAX, as libc does.
struct StrtollResult {
  int64_t value = 0;
  bool whole = false;
  bool overflow = false;
};
StrtollResult c_strtoll(std::string_view s, int base);

// memtoull: digits then an optional unit b, k, kb, m, mb, g, gb (any case); "" and "kb" are 0.
// A leading '-' fails; too many digits saturate and the unit multiplier wraps, as in Redis.
bool parse_memory(std::string_view s, uint64_t& bytes);

// string2d: strtod over the whole string, no leading space, no NaN, no overflow.
bool parse_double(std::string_view s, double& value);

// rewriteConfigFormatMemory: "2gb", "512mb", "16kb" when exact, else the plain number.
std::string format_memory(int64_t bytes);

// printf("%f") then trimDoubleString: "50", "99.9".
std::string format_double(double value);

// stringmatchlen: glob with * ? [abc] [^a-z] and \ escapes; `nocase` folds ASCII case.
bool glob_match(std::string_view pattern, std::string_view text, bool nocase);

}  // namespace model
