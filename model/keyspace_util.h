// Redis's number parsing and formatting, glob matching and the keyed order hash, as the
// keyspace needs them. Each mirrors the named function of Redis 7.0.15's util.c.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/resp.h"

namespace model {

// string2ll: a strict decimal long long ("0", "-12"; no '+', spaces, leading zeros, "-0"),
// at most 20 bytes.
std::optional<int64_t> parse_ll(std::string_view s);

// string2ld: what strtold accepts in full (decimal, hex, "inf"), no leading space, no NaN, no
// overflow to +-inf or underflow to zero; under 5120 bytes (MAX_LONG_DOUBLE_CHARS).
std::optional<long double> parse_ld(std::string_view s);

// ld2string(LD_STR_HUMAN): "%.17Lf" without trailing zeros (and "." ), "-0" as "0".
std::string format_ld_human(long double value);

// stringmatchlen(pattern, string, nocase = 0): glob with * ? [abc] [^a-z] and \ escapes.
bool glob_match(std::string_view pattern, std::string_view str);

// A 64-bit hash of `bytes` keyed by `seed`: the stand-in for dict's seeded siphash, so
// orders that follow it differ from one process (seed) to another.
uint64_t order_hash(std::string_view bytes, uint64_t seed);

// ll2string.
std::string format_ll(int64_t value);

// Redis's shared error replies.
inline constexpr std::string_view kWrongTypeError =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotIntegerError = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloatError = "ERR value is not a valid float";
inline constexpr std::string_view kSyntaxError = "ERR syntax error";

// Replies written in place, so a reused reply keeps its storage.
inline void reply_status(RespValue& r, std::string_view text) {
  r.kind = RespKind::kStatus;
  r.num = 0;
  r.str.assign(text);
  r.elements.clear();
}
inline void reply_ok(RespValue& r) { reply_status(r, "OK"); }
inline void reply_error(RespValue& r, std::string_view text) {
  r.kind = RespKind::kError;
  r.num = 0;
  r.str.assign(text);
  r.elements.clear();
}
inline void reply_integer(RespValue& r, int64_t n) {
  r.kind = RespKind::kInteger;
  r.num = n;
  r.str.clear();
  r.elements.clear();
}
inline void reply_bulk(RespValue& r, std::string_view bytes) {
  r.kind = RespKind::kBulk;
  r.num = 0;
  r.str.assign(bytes);
  r.elements.clear();
}
inline void reply_null(RespValue& r) {
  r.kind = RespKind::kNullBulk;
  r.num = 0;
  r.str.clear();
  r.elements.clear();
}
// An array reply with room for `n` elements, to be appended by the caller.
inline void reply_array(RespValue& r, size_t n) {
  r.kind = RespKind::kArray;
  r.num = 0;
  r.str.clear();
  r.elements.clear();
  r.elements.reserve(n);
}

}  // namespace model
