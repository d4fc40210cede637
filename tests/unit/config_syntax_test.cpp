// Redis's value parsers and formatters for config directives (util.c string2ll, memtoull,
// string2d, stringmatchlen; libc strtoll as config.c uses it).
#include "model/config_syntax.h"

#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace std::string_literals;

TEST_CASE("config syntax: string2ll takes canonical integers only") {
  int64_t v = 0;
  CHECK((model::parse_ll("-9223372036854775808", v) && v == INT64_MIN));
  CHECK((model::parse_ll("0", v) && v == 0));
  for (const char* bad : {"", "-", "-0", "007", "+5", "1e3", " 1", "9223372036854775808"}) {
    CAPTURE(bad);
    CHECK_FALSE(model::parse_ll(bad, v));
  }
}

TEST_CASE("config syntax: memtoull units, and its overflow that wraps") {
  uint64_t b = 0;
  CHECK((model::parse_memory("1k", b) && b == 1000));
  CHECK((model::parse_memory("1KB", b) && b == 1024));
  CHECK((model::parse_memory("3gb", b) && b == 3ULL << 30));
  CHECK((model::parse_memory("5b", b) && b == 5));
  CHECK((model::parse_memory("kb", b) && b == 0));
  CHECK((model::parse_memory("99999999999999999999", b) && b == UINT64_MAX));
  CHECK((model::parse_memory("18446744073709551615kb", b) && b == UINT64_MAX * 1024));
  CHECK((model::parse_memory("5\0mb"s, b) && b == 5));  // a C string ends at the NUL
  for (const char* bad : {"-1", "1.5gb", "1x", "1 mb", "mbb"}) {
    CAPTURE(bad);
    CHECK_FALSE(model::parse_memory(bad, b));
  }
}

TEST_CASE("config syntax: strtoll as config.c reads it") {
  model::StrtollResult r = model::c_strtoll(" +5", 10);
  CHECK((r.whole && r.value == 5));
  r = model::c_strtoll("", 10);
  CHECK((r.whole && r.value == 0));  // no digits: end stays at the (empty) start
  CHECK_FALSE(model::c_strtoll(" ", 10).whole);
  CHECK_FALSE(model::c_strtoll("5x", 10).whole);
  CHECK_FALSE(model::c_strtoll("9", 8).whole);
  r = model::c_strtoll("99999999999999999999", 10);
  CHECK((r.whole && r.overflow && r.value == INT64_MAX));
  // At the edges of int64: the last value that fits, and one past it.
  r = model::c_strtoll("9223372036854775807", 10);
  CHECK((!r.overflow && r.value == INT64_MAX));
  CHECK(model::c_strtoll("9223372036854775808", 10).overflow);
  r = model::c_strtoll("-9223372036854775808", 10);
  CHECK((!r.overflow && r.value == INT64_MIN));
  CHECK(model::c_strtoll("-9223372036854775809", 10).overflow);
  r = model::c_strtoll("-0777", 8);
  CHECK((r.whole && r.value == -511));
  r = model::c_strtoll("12\0x"s, 10);  // the C string ends at the NUL
  CHECK((r.whole && r.value == 12));
  CHECK(model::c_strtoll("\0x"s, 10).whole);
  CHECK_FALSE(model::c_strtoll(" \0"s, 10).whole);
}

TEST_CASE("config syntax: string2ll reads back every int64; strtoll agrees with libc's") {
  rc::check("parse_ll(to_string(v)) == v", [](int64_t v) {
    int64_t parsed = 0;
    RC_ASSERT(model::parse_ll(std::to_string(v), parsed));
    RC_ASSERT(parsed == v);
  });
  rc::check("a digit past INT64's range overflows", [](uint8_t extra) {
    int64_t parsed = 0;
    RC_ASSERT_FALSE(model::parse_ll(std::to_string(INT64_MAX) + char('0' + extra % 10), parsed));
  });
  rc::check("string2ll accepts exactly the canonical decimal form of an int64", [] {
    // Digits, signs and a stray letter, up to 21 characters: lengths on both sides of 18
    // (where overflow becomes possible) and of LONG_STR_SIZE.
    std::string s = *rc::gen::container<std::string>(
        *rc::gen::inRange<size_t>(0, 22), rc::gen::element('0', '1', '8', '9', '-', '+', 'x'));
    int64_t parsed = 0;
    bool accepted = model::parse_ll(s, parsed);
    errno = 0;
    char* end = nullptr;
    long long nearest = std::strtoll(s.c_str(), &end, 10);
    bool canonical = errno == 0 && *end == '\0' && !s.empty() && std::to_string(nearest) == s;
    RC_ASSERT(accepted == canonical);
    if (accepted) RC_ASSERT(parsed == nearest);
  });
  rc::check("c_strtoll(s, 10) is strtoll(s, &end, 10) with *end == 0", [] {
    // Signs, blanks and up to 25 digits: short and overflowing numbers alike.
    std::string s = *rc::gen::container<std::string>(
        *rc::gen::inRange<size_t>(0, 26), rc::gen::element('0', '1', '5', '9', '7', '-', ' '));
    errno = 0;
    char* end = nullptr;
    long long expected = std::strtoll(s.c_str(), &end, 10);
    model::StrtollResult r = model::c_strtoll(s, 10);
    RC_ASSERT(r.value == expected);
    RC_ASSERT(r.whole == (*end == '\0'));
    RC_ASSERT(r.overflow == (errno == ERANGE));
  });
}

TEST_CASE("config syntax: strcasecmp equality stops at a NUL") {
  CHECK(model::equals_nocase("Master", "mASTER"));
  CHECK(model::equals_nocase("ab\0c"s, "AB"));
  CHECK(model::equals_nocase("", "\0x"s));
  CHECK_FALSE(model::equals_nocase("ab", "abc"));
  CHECK_FALSE(model::equals_nocase("abc", "ab"));
  CHECK_FALSE(model::equals_nocase("a\xc1", "a\xe1"));  // no folding outside ASCII
}

TEST_CASE("config syntax: formats CONFIG GET and CONFIG REWRITE print") {
  CHECK(model::format_memory(1048576) == "1mb");
  CHECK(model::format_memory(3LL << 30) == "3gb");
  CHECK(model::format_memory(16384) == "16kb");
  CHECK(model::format_memory(1000000) == "1000000");
  CHECK(model::format_memory(0) == "0");
  CHECK(model::format_memory(-1) == "-1");
  CHECK(model::format_double(50) == "50");
  CHECK(model::format_double(99.9) == "99.9");
  CHECK(model::format_double(0.5) == "0.5");
  double d = 0;
  CHECK((model::parse_double("1e1", d) && d == 10));
  for (const char* bad : {"", " 1", "1 ", "nan", "1e999", "abc"}) {
    CAPTURE(bad);
    CHECK_FALSE(model::parse_double(bad, d));
  }
}

TEST_CASE("config syntax: stringmatchlen's globs") {
  using model::glob_match;
  CHECK(glob_match("*", "anything", false));
  CHECK(glob_match("h?llo", "hello", false));
  CHECK(glob_match("h[ae]llo", "hallo", false));
  CHECK_FALSE(glob_match("h[^e]llo", "hello", false));
  CHECK(glob_match("h[a-c]llo", "hbllo", false));
  CHECK(glob_match("h[c-a]llo", "hbllo", false));  // reversed ranges work
  CHECK(glob_match("h\\*llo", "h*llo", false));
  CHECK_FALSE(glob_match("h\\*llo", "hello", false));
  CHECK(glob_match("REPL-*", "repl-timeout", true));
  CHECK_FALSE(glob_match("REPL-*", "repl-timeout", false));
  CHECK(glob_match("*max*memory*", "replica-ignore-maxmemory", true));
  CHECK(glob_match("a*", "a", false));
  CHECK_FALSE(glob_match("a[", "ab", false));  // an unterminated class ends the pattern
  CHECK(glob_match("a[b", "ab", false));
  CHECK_FALSE(glob_match("", "a", false));
  CHECK(glob_match("", "", false));
  CHECK_FALSE(glob_match("*", "", false));  // 7.0's loop never starts on an empty string
  CHECK(rc::check("'*' matches any non-empty text; plain text matches itself",
                  [](const std::string& text) {
                    RC_ASSERT(glob_match("**", text, false) == !text.empty());
                    bool plain = text.find_first_of("*?[\\") == std::string::npos;
                    if (plain) RC_ASSERT(glob_match(text, text, false));
                  }));
}
