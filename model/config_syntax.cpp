// Redis's value parsers and formatters for configuration directives (see config_syntax.h).
#include "model/config_syntax.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace model {
namespace {

bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// tolower() of a C `char` promoted to int: bytes >= 0x80 are negative and fold to themselves.
int fold(char c, bool nocase) {
  int v = static_cast<signed char>(c);
  return (nocase && v >= 'A' && v <= 'Z') ? v + ('a' - 'A') : v;
}

// The byte at `i`, or the C string's terminating NUL past the end.
char at(std::string_view s, size_t i) { return i < s.size() ? s[i] : '\0'; }

// One bracket class at pat[p] == '[' against `c`; leaves `p` on the class's last byte, where
// stringmatchlen_impl leaves it (an unterminated class ends the pattern).
bool match_class(std::string_view pat, size_t& p, size_t& plen, char c, bool nocase) {
  ++p, --plen;
  bool negate = at(pat, p) == '^';
  if (negate) ++p, --plen;
  bool found = false;
  while (true) {
    if (at(pat, p) == '\\' && plen >= 2) {
      ++p, --plen;
      if (pat[p] == c) found = true;
    } else if (at(pat, p) == ']') {
      break;
    } else if (plen == 0) {
      --p, ++plen;
      break;
    } else if (plen >= 3 && pat[p + 1] == '-') {
      int lo = fold(pat[p], nocase), hi = fold(pat[p + 2], nocase);
      if (lo > hi) std::swap(lo, hi);
      int v = fold(c, nocase);
      if (v >= lo && v <= hi) found = true;
      p += 2, plen -= 2;
    } else if (fold(pat[p], nocase) == fold(c, nocase)) {
      found = true;
    }
    ++p, --plen;
  }
  return negate ? !found : found;
}

// stringmatchlen_impl: `skip_longer` ends the search once a '*' tail failed everywhere.
bool match_from(std::string_view pat, size_t p, std::string_view str, size_t s, bool nocase,
                bool& skip_longer) {
  size_t plen = pat.size() - p, slen = str.size() - s;
  while (plen > 0 && slen > 0) {
    switch (pat[p]) {
      case '*':
        while (plen > 0 && at(pat, p + 1) == '*') ++p, --plen;
        if (plen == 1) return true;
        for (; slen > 0; ++s, --slen) {
          if (match_from(pat, p + 1, str, s, nocase, skip_longer)) return true;
          if (skip_longer) return false;
        }
        skip_longer = true;
        return false;
      case '?': ++s, --slen; break;
      case '[':
        if (!match_class(pat, p, plen, str[s], nocase)) return false;
        ++s, --slen;
        break;
      case '\\':
        if (plen >= 2) ++p, --plen;
        [[fallthrough]];
      default:
        if (fold(pat[p], nocase) != fold(str[s], nocase)) return false;
        ++s, --slen;
    }
    ++p, --plen;
    if (slen == 0) {
      while (at(pat, p) == '*') ++p, --plen;
      break;
    }
  }
  return plen == 0 && slen == 0;
}

}  // namespace

std::string_view c_string(std::string_view s) { return s.substr(0, s.find('\0')); }

std::string_view trim_line(std::string_view line) {
  // A loop rather than find_first_not_of, which calls memchr once per character it tries.
  auto trimmed = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!line.empty() && trimmed(line.front())) line.remove_prefix(1);
  while (!line.empty() && trimmed(line.back())) line.remove_suffix(1);
  return line;
}

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a == b) return true;  // the usual case (a run id, a host), without folding each byte
  for (size_t i = 0;; ++i) {  // up to the first NUL, the end reading as one
    char ca = at(a, i);
    if (fold(ca, true) != fold(at(b, i), true)) return false;
    if (ca == '\0') return true;
  }
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(fold(c, true));
  return out;
}

StrtollResult c_strtoll(std::string_view s, int base) {
  // The usual input, a port or an epoch: nothing but decimal digits, too few to overflow.
  if (base == 10 && !s.empty() && s.size() <= 18) {
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) v = v * 10 + static_cast<uint64_t>(s[i] - '0');
    if (i == s.size()) return {static_cast<int64_t>(v), true, false};
  }
  // A NUL ends the C string: nothing reads past it, and *end == '\0' there.
  auto ends_at = [s](size_t i) { return i == s.size() || s[i] == '\0'; };
  size_t i = 0;
  while (i < s.size() && is_c_space(s[i])) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  uint64_t limit = negative ? uint64_t{1} << 63 : uint64_t{INT64_MAX};
  auto ubase = static_cast<uint64_t>(base);
  // v * base + d overflows past `limit` when v > cutoff, or v == cutoff and d > last (one
  // division here rather than one per digit).
  const uint64_t cutoff = limit / ubase;
  const uint64_t last = limit % ubase;
  uint64_t v = 0;
  bool overflow = false;
  size_t first_digit = i;
  for (; i < s.size() && is_digit(s[i]) && s[i] - '0' < base; ++i) {
    auto d = static_cast<uint64_t>(s[i] - '0');
    if (v > cutoff || (v == cutoff && d > last)) overflow = true;
    if (!overflow) v = v * ubase + d;
  }
  if (i == first_digit) return {0, ends_at(0), false};  // no digits: end = the whole input
  if (overflow) return {negative ? INT64_MIN : INT64_MAX, ends_at(i), true};
  return {negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v), ends_at(i), false};
}

bool parse_memory(std::string_view s, uint64_t& bytes) {
  s = c_string(s);
  if (!s.empty() && s[0] == '-') return false;
  size_t digits = 0;
  while (digits < s.size() && is_digit(s[digits])) ++digits;
  std::string_view unit = s.substr(digits);
  uint64_t mul = 0;
  if (unit.empty() || equals_nocase(unit, "b")) mul = 1;
  else if (equals_nocase(unit, "k")) mul = 1000;
  else if (equals_nocase(unit, "kb")) mul = 1024;
  else if (equals_nocase(unit, "m")) mul = 1000 * 1000;
  else if (equals_nocase(unit, "mb")) mul = 1024 * 1024;
  else if (equals_nocase(unit, "g")) mul = 1000 * 1000 * 1000;
  else if (equals_nocase(unit, "gb")) mul = 1024 * 1024 * 1024;
  else return false;
  if (digits >= 128) return false;  // memtoull's buffer
  uint64_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    auto d = static_cast<uint64_t>(s[i] - '0');
    v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;  // strtoull saturates
  }
  bytes = v * mul;
  return true;
}

bool parse_double(std::string_view s, double& value) {
  if (s.empty() || is_c_space(s[0])) return false;
  std::string copy(s);
  char* end = nullptr;
  errno = 0;
  value = std::strtod(copy.c_str(), &end);
  bool range_error = errno == ERANGE && (std::isinf(value) || value == 0.0);
  return static_cast<size_t>(end - copy.c_str()) == s.size() && !range_error &&
         !std::isnan(value);
}

std::string format_memory(int64_t bytes) {
  constexpr int64_t kGb = 1024 * 1024 * 1024, kMb = 1024 * 1024, kKb = 1024;
  if (bytes != 0 && bytes % kGb == 0) return fmt::format("{}gb", bytes / kGb);
  if (bytes != 0 && bytes % kMb == 0) return fmt::format("{}mb", bytes / kMb);
  if (bytes != 0 && bytes % kKb == 0) return fmt::format("{}kb", bytes / kKb);
  return fmt::format("{}", bytes);
}

std::string format_double(double value) {
  std::string out = fmt::format("{:f}", value);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

bool glob_match(std::string_view pattern, std::string_view text, bool nocase) {
  bool skip_longer = false;
  return match_from(pattern, 0, text, 0, nocase, skip_longer);
}

}  // namespace model
