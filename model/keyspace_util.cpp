// Number parsing and formatting, glob matching and the keyed order hash (see the header).
#include "model/keyspace_util.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

#include "model/config_syntax.h"

namespace model {

std::optional<int64_t> parse_ll(std::string_view s) {
  int64_t value = 0;
  if (!parse_ll(s, value)) return std::nullopt;
  return value;
}

std::optional<long double> parse_ld(std::string_view s) {
  constexpr size_t kMaxLongDoubleChars = 5 * 1024;  // MAX_LONG_DOUBLE_CHARS
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return std::nullopt;
  const std::string buf(s);  // strtold needs a NUL-terminated copy, as string2ld makes
  const char c0 = buf[0];
  if (c0 == ' ' || c0 == '\t' || c0 == '\n' || c0 == '\v' || c0 == '\f' || c0 == '\r') {
    return std::nullopt;
  }
  char* end = nullptr;
  errno = 0;
  const long double value = std::strtold(buf.c_str(), &end);
  if (static_cast<size_t>(end - buf.c_str()) != buf.size()) return std::nullopt;
  if (errno == ERANGE && (std::isinf(value) || value == 0.0L)) return std::nullopt;
  if (errno == EINVAL || std::isnan(value)) return std::nullopt;
  return value;
}

std::string format_ld_human(long double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[5 * 1024];
  const int n = std::snprintf(buf, sizeof buf, "%.17Lf", value);
  if (n < 0 || static_cast<size_t>(n) + 1 > sizeof buf) return {};
  std::string out(buf, static_cast<size_t>(n));
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

namespace {

// One step of stringmatchlen on pattern[pi..] against str[si..]. `give_up` is its
// skipLongerMatches: once a '*' found no match anywhere, longer matches cannot help.
bool glob_from(std::string_view p, size_t pi, std::string_view s, size_t si, bool& give_up) {
  // Past the end, C sees the NUL terminator.
  auto at = [&p](size_t i) { return i < p.size() ? p[i] : '\0'; };
  while (pi < p.size() && si < s.size()) {
    const char c = p[pi];
    if (c == '*') {
      while (at(pi + 1) == '*') ++pi;
      if (pi + 1 == p.size()) return true;
      for (; si < s.size(); ++si) {
        if (glob_from(p, pi + 1, s, si, give_up)) return true;
        if (give_up) return false;
      }
      give_up = true;
      return false;
    }
    if (c == '?') {
      ++si;
    } else if (c == '[') {
      ++pi;
      const bool negate = at(pi) == '^';
      if (negate) ++pi;
      bool match = false;
      while (true) {
        if (at(pi) == '\\' && p.size() - pi >= 2) {
          ++pi;
          if (p[pi] == s[si]) match = true;
        } else if (at(pi) == ']') {
          break;
        } else if (pi >= p.size()) {
          --pi;  // an unterminated class: the outer step moves past the end again
          break;
        } else if (p.size() - pi >= 3 && p[pi + 1] == '-') {
          // Ranges compare signed chars, as C does on this platform.
          int lo = static_cast<signed char>(p[pi]);
          int hi = static_cast<signed char>(p[pi + 2]);
          if (lo > hi) std::swap(lo, hi);
          const int ch = static_cast<signed char>(s[si]);
          if (ch >= lo && ch <= hi) match = true;
          pi += 2;
        } else if (p[pi] == s[si]) {
          match = true;
        }
        ++pi;
      }
      if (negate) match = !match;
      if (!match) return false;
      ++si;
    } else {
      if (c == '\\' && p.size() - pi >= 2) ++pi;
      if (p[pi] != s[si]) return false;
      ++si;
    }
    ++pi;
    if (si == s.size()) {
      while (at(pi) == '*') ++pi;
      break;
    }
  }
  return pi >= p.size() && si == s.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view str) {
  bool give_up = false;
  return glob_from(pattern, 0, str, 0, give_up);
}

uint64_t order_hash(std::string_view bytes, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  // splitmix64's finalizer over the hash and the seed
  h ^= seed * 0x9e3779b97f4a7c15ULL;
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

std::string format_ll(int64_t value) { return std::to_string(value); }

}  // namespace model
