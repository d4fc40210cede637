// The JSON-with-comments reader: values and their positions, the extensions (comments,
// trailing commas, BOM), every error with its exact message and position, and properties:
// it agrees with nlohmann::json on JSON that library writes, and on random bytes it never
// crashes and reports an error inside the input.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rapidcheck.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "tools/jsonc.h"

using tools::jsonc::Kind;
using tools::jsonc::parse;
using tools::jsonc::Position;
using tools::jsonc::Value;

namespace {

// "line:col path: message" of the error `text` gives ("ok" when it parses).
std::string error_of(std::string_view text) {
  tools::jsonc::ParseResult r = parse(text);
  if (r.value) return "ok";
  const tools::jsonc::ParseError& e = r.error;
  return fmt::format("{}:{} {}: {}", e.pos.line, e.pos.col, e.path, e.message);
}

std::string pos(Position p) { return fmt::format("{}:{}", p.line, p.col); }

// Whether `p` is a place in `text`: a line of it, a column up to one past its last character.
bool inside(std::string_view text, Position p) {
  size_t line = 1, chars = 0;
  for (char c : text) {
    if (line == p.line && c == '\n') break;
    if (c == '\n') {
      ++line;
      chars = 0;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++chars;
    }
  }
  return p.line == line && p.col >= 1 && p.col <= chars + 1;
}

nlohmann::ordered_json to_nlohmann(const Value& v) {
  switch (v.kind) {
    case Kind::kNull: return nullptr;
    case Kind::kBool: return v.boolean;
    case Kind::kNumber: return v.number;
    case Kind::kString: return v.text;
    case Kind::kArray: {
      auto out = nlohmann::ordered_json::array();
      for (const Value& item : v.items) out.push_back(to_nlohmann(item));
      return out;
    }
    case Kind::kObject: {
      auto out = nlohmann::ordered_json::object();
      for (const auto& m : v.members) out[m.key] = to_nlohmann(m.value);
      return out;
    }
  }
  return nullptr;
}

// nlohmann's numbers as doubles, so 1 and 1.0 compare equal as they do for us.
nlohmann::ordered_json numbers_as_double(const nlohmann::ordered_json& j) {
  if (j.is_number()) return j.get<double>();
  if (!j.is_structured()) return j;
  nlohmann::ordered_json out = j;
  for (auto& [key, value] : out.items()) value = numbers_as_double(value);
  return out;
}

// Valid UTF-8 text, with the characters JSON must escape.
rc::Gen<std::string> gen_text() {
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::element<std::string>(
                          "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x7f",
                          "\xC3\xA9", "\xF0\x9F\x98\x80")),
                      [](const std::vector<std::string>& pieces) {
                        std::string out;
                        for (const std::string& piece : pieces) out += piece;
                        return out;
                      });
}

rc::Gen<nlohmann::ordered_json> gen_json(int depth) {
  auto scalar = rc::gen::oneOf(
      rc::gen::just(nlohmann::ordered_json(nullptr)),
      rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return nlohmann::ordered_json(b); }),
      rc::gen::map(rc::gen::arbitrary<int64_t>(),
                   [](int64_t n) { return nlohmann::ordered_json(n); }),
      rc::gen::map(rc::gen::arbitrary<double>(),
                   [](double x) { return nlohmann::ordered_json(std::isfinite(x) ? x : 0.5); }),
      rc::gen::map(gen_text(), [](std::string s) { return nlohmann::ordered_json(s); }));
  if (depth == 0) return scalar;
  auto array = rc::gen::map(rc::gen::container<std::vector<nlohmann::ordered_json>>(
                                rc::gen::resize(4, gen_json(depth - 1))),
                            [](std::vector<nlohmann::ordered_json> items) {
                              return nlohmann::ordered_json(items);
                            });
  auto object = rc::gen::map(
      rc::gen::container<std::vector<std::pair<std::string, nlohmann::ordered_json>>>(
          rc::gen::pair(gen_text(), rc::gen::resize(4, gen_json(depth - 1)))),
      [](const std::vector<std::pair<std::string, nlohmann::ordered_json>>& members) {
        auto out = nlohmann::ordered_json::object();
        for (const auto& [key, value] : members) out[key] = value;  // a repeated key: last wins
        return out;
      });
  return rc::gen::oneOf(scalar, array, object);
}

}  // namespace

TEST_CASE("jsonc: values, key order and the position of every value and key") {
  std::string text = "{\n  \"b\": [1, -2.5e3, \"x\"],\n  \"a\": {\"t\": true, \"f\": false, "
                     "\"n\": null}\n}";
  tools::jsonc::ParseResult r = parse(text);
  REQUIRE(r.value);
  const Value& root = *r.value;
  CHECK(pos(root.pos) == "1:1");
  REQUIRE(root.members.size() == 2);
  CHECK(root.members[0].key == "b");  // file order, not sorted
  CHECK(pos(root.members[0].key_pos) == "2:3");
  const Value& b = root.members[0].value;
  CHECK(pos(b.pos) == "2:8");
  REQUIRE(b.items.size() == 3);
  CHECK(b.items[1].kind == Kind::kNumber);
  CHECK(b.items[1].number == -2500.0);
  CHECK(b.items[1].text == "-2.5e3");
  CHECK(pos(b.items[1].pos) == "2:12");
  CHECK(pos(b.items[2].pos) == "2:20");
  const Value* a = root.find("a");
  REQUIRE(a != nullptr);
  CHECK(pos(a->pos) == "3:8");
  CHECK(a->find("t")->boolean);
  CHECK(a->find("f")->kind == Kind::kBool);
  CHECK(a->find("n")->kind == Kind::kNull);
  CHECK(pos(a->find("n")->pos) == "3:37");
  CHECK(root.find("zz") == nullptr);
}

TEST_CASE("jsonc: comments, trailing commas and a byte order mark are accepted") {
  std::string text = "\xEF\xBB\xBF// a scenario\n{ /* block\n comment */ \"a\": [1, 2,],\n"
                     "  \"b\": {\"c\": 1,}, // end\n}";
  tools::jsonc::ParseResult r = parse(text);
  REQUIRE(r.value);
  CHECK(r.value->find("a")->items.size() == 2);
  CHECK(pos(r.value->find("a")->pos) == "3:18");
  CHECK(r.value->find("b")->members.size() == 1);
  CHECK(error_of("[1,,]") == "1:4 [1]: expected a value (an object, array, string, number, "
                             "true, false or null), got ','");
  CHECK(error_of("{,}") == "1:2 : expected a key in double quotes or '}', got ','");
}

TEST_CASE("jsonc: columns count characters, and escapes decode to UTF-8") {
  tools::jsonc::ParseResult r = parse("[\"h\xC3\xA9\", \"\\u00e9\\ud83d\\ude00\\n\\/\", 1]");
  REQUIRE(r.value);
  const auto& items = r.value->items;
  CHECK(pos(items[1].pos) == "1:8");  // "hé" is four characters, quotes included
  CHECK(items[1].text == "\xC3\xA9\xF0\x9F\x98\x80\n/");
  CHECK(pos(items[2].pos) == "1:34");
  CHECK(items[0].verbatim);
  CHECK_FALSE(items[1].verbatim);
  CHECK(pos(items[0].position_in_string(0)) == "1:3");
  CHECK(pos(items[0].position_in_string(3)) == "1:5");  // after the two bytes of é
  CHECK(pos(items[1].position_in_string(2)) == "1:8");  // escapes: the opening quote
}

TEST_CASE("jsonc: every syntax error names its position and what was expected") {
  CHECK(error_of("") == "1:1 : expected a JSON value, got the end of the input");
  CHECK(error_of(" \n ") == "2:2 : expected a JSON value, got the end of the input");
  CHECK(error_of("{} x") == "1:4 : expected the end of the input after the top-level value, "
                            "got 'x'");
  CHECK(error_of("[1] /") == "1:5 : expected // or /* to start a comment");
  CHECK(error_of("[1, /* open\n") == "1:5 : unterminated /* comment: expected */");
  CHECK(error_of("tru") == "1:1 : expected a value (an object, array, string, number, true, "
                           "false or null), got 'tru'");
  CHECK(error_of("nulls") == "1:1 : expected a value (an object, array, string, number, true, "
                             "false or null), got 'nulls'");
  CHECK(error_of("['a']") == "1:2 [0]: expected a value (an object, array, string, number, "
                             "true, false or null), got ''' (strings take double quotes)");
  CHECK(error_of("[\x01]") == "1:2 [0]: expected a value (an object, array, string, number, "
                              "true, false or null), got byte 0x01");
  CHECK(error_of("{a: 1}") == "1:2 : expected a key in double quotes or '}', got 'a'");
  CHECK(error_of("{\"a\": 1, \"a\": 2}") == "1:10 : duplicate key \"a\" (first at line 1, "
                                            "column 2)");
  CHECK(error_of("{\"a\" 1}") == "1:6 : expected ':' after the key \"a\", got '1'");
  CHECK(error_of("{\"a\":") == "1:6 : expected a value for \"a\", got the end of the input");
  CHECK(error_of("{\"a\": 1 \"b\": 2}") == "1:9 : expected ',' or '}' after an object member, "
                                           "got '\"'");
  CHECK(error_of("[1 2]") == "1:4 : expected ',' or ']' after an array element, got '2'");
  CHECK(error_of("[1,") == "1:4 : expected a value or ']', got the end of the input");
  CHECK(error_of("{\"a\": [1, {\"b\": x}]}") ==
        "1:17 a[1].b: expected a value (an object, array, string, number, true, false or "
        "null), got 'x'");
}

TEST_CASE("jsonc: string errors") {
  CHECK(error_of("[\"abc") == "1:2 [0]: unterminated string: expected '\"' before the end of "
                              "the input");
  CHECK(error_of("[\"abc\n\"]") == "1:2 [0]: unterminated string: expected '\"' before the end "
                                   "of the line");
  CHECK(error_of("\"a\tb\"") == "1:3 : control character 0x09 in a string: write it as an "
                                "escape (\\t, \\n, \\u00XX)");
  CHECK(error_of("\"a\\x\"") == "1:3 : invalid escape in a string: expected one of \\\" \\\\ "
                                "\\/ \\b \\f \\n \\r \\t \\uXXXX");
  CHECK(error_of("\"\\u12g4\"") == "1:6 : expected 4 hex digits after \\u");
  CHECK(error_of("\"\\ud800\"") == "1:2 : unpaired UTF-16 surrogate \\uD800 in a string");
  CHECK(error_of("\"\\udc00\"") == "1:2 : unpaired UTF-16 surrogate \\uDC00 in a string");
  CHECK(error_of("\"\\ud800\\u0041\"") == "1:2 : unpaired UTF-16 surrogate \\uD800 in a string");
}

TEST_CASE("jsonc: number errors") {
  CHECK(error_of("012") == "1:1 : leading zeros are not allowed in numbers");
  CHECK(error_of("-") == "1:2 : expected a digit after '-', got the end of the input");
  CHECK(error_of("-x") == "1:2 : expected a digit after '-', got 'x'");
  CHECK(error_of("1.") == "1:3 : expected a digit after '.', got the end of the input");
  CHECK(error_of("1e+") == "1:4 : expected a digit after the exponent, got the end of the "
                           "input");
  CHECK(error_of("[10s]") == "1:2 [0]: invalid number '10s' (a value with a unit, such as a "
                             "duration, is a string: \"30s\")");
  CHECK(error_of("1e999") == "1:1 : number 1e999 is out of range");
  CHECK(parse("-0.5E-2").value->number == -0.005);
}

TEST_CASE("jsonc: the size and nesting limits") {
  std::string big(tools::jsonc::kMaxInputBytes + 1, ' ');
  CHECK(error_of(big) == "1:1 : the input is larger than the limit of 1048576 bytes (1 MiB)");
  big.resize(tools::jsonc::kMaxInputBytes);
  big.back() = '1';
  CHECK(error_of(big) == "ok");
  std::string deep = std::string(64, '[') + std::string(64, ']');
  CHECK(error_of(deep) == "ok");
  std::string deeper = std::string(65, '[') + std::string(65, ']');
  std::string path;
  for (int i = 0; i < 64; ++i) path += "[0]";
  CHECK(error_of(deeper) == "1:65 " + path + ": arrays and objects nested more than 64 deep");
  CHECK(error_of(std::string(100000, '{')).ends_with("expected a key in double quotes or '}', "
                                                     "got '{'"));
}

TEST_CASE("jsonc: paths and quoting") {
  using tools::jsonc::item_path;
  using tools::jsonc::member_path;
  CHECK(member_path("", "steps") == "steps");
  CHECK(item_path(member_path("", "steps"), 3) + ".do" == "steps[3].do");
  CHECK(member_path("nodes", "replica-1") == "nodes.replica-1");
  CHECK(member_path("nodes", "odd key") == "nodes[\"odd key\"]");
  CHECK(member_path("", "1st") == "[\"1st\"]");
  CHECK(tools::jsonc::quote("a\"b\\\n\x01") == "\"a\\\"b\\\\\\n\\u0001\"");
}

TEST_CASE("jsonc: agrees with nlohmann::json on the JSON it writes") {
  CHECK(rc::check("parse(dump(j)) == j", [] {
    nlohmann::ordered_json j = *gen_json(3);
    int indent = *rc::gen::element(-1, 0, 2);
    std::string text = j.dump(indent);
    tools::jsonc::ParseResult r = parse(text);
    RC_ASSERT(r.value.has_value());
    RC_ASSERT(to_nlohmann(*r.value) ==
              numbers_as_double(nlohmann::ordered_json::parse(text)));
  }));
}

TEST_CASE("jsonc: random bytes never crash and errors point inside the input") {
  CHECK(rc::check("parse(bytes) is a value or an error inside the input", [] {
    std::string text = *rc::gen::oneOf(
        rc::gen::arbitrary<std::string>(),
        rc::gen::container<std::string>(rc::gen::element('{', '}', '[', ']', '"', ',', ':', '/',
                                                         '*', '\\', 'u', '1', '-', '\n', ' ')));
    tools::jsonc::ParseResult r = parse(text);
    if (!r.value) RC_ASSERT(inside(text, r.error.pos));
  }));
}
