// A JSON reader for hand-written files (scenario files): JSON with comments, which remembers
// where every value and every object key starts, so a later check can say "file:line:col".
//
// Accepted: RFC 8259 JSON, plus
// - comments wherever whitespace may go: `// to the end of the line` and `/* ... */` (not
//   nested);
// - one trailing comma after the last element of an array or the last member of an object
//   (`[1, 2,]`, `{"a": 1,}`), so lines of a list can be moved or added without touching others;
// - a UTF-8 byte order mark at the very start.
// Refused with a ParseError (never a crash, never a hang): everything else, including
// duplicate keys in an object, unquoted keys, single-quoted strings, raw control characters
// (a tab, a line break) inside strings, unpaired UTF-16 surrogates in \u escapes, leading
// zeros, '+', NaN, Infinity and hexadecimal numbers, and a second top-level value.
// Bytes that are not valid UTF-8 are kept as they are.
//
// Limits: the input is at most kMaxInputBytes; arrays and objects nest at most kMaxDepth
// deep. Parsing is a single pass, linear in the input (duplicate keys are found through a
// sorted index), and its recursion is bounded by kMaxDepth.
//
// Positions: 1-based line and column. Lines end at '\n' (so "\r\n" is one line end); a column
// counts characters (UTF-8 code points, a tab counts one), as editors show them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tools::jsonc {

inline constexpr size_t kMaxInputBytes = 1024 * 1024;
inline constexpr size_t kMaxDepth = 64;

struct Position {
  uint32_t line = 0;  // 0 only in a default-constructed Position
  uint32_t col = 0;
  auto operator<=>(const Position&) const = default;
};

enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

// "null", "a boolean", "a number", "a string", "an array", "an object".
std::string_view kind_name(Kind kind);

struct Member;

struct Value {
  Kind kind = Kind::kNull;
  Position pos;          // the first character of the value ('"', '[', '{', a digit, ...)
  bool boolean = false;  // kBool
  double number = 0;     // kNumber, as strtod reads the literal
  std::string text;      // kString: the decoded string; kNumber: the literal as written
  bool verbatim = false;           // kString without escapes: text[i] is in the file
  std::vector<Value> items;        // kArray
  std::vector<Member> members;     // kObject, in file order; keys are unique

  // The member named `key`, or nullptr (also when this is not an object).
  const Value* find(std::string_view key) const;
  // Where byte `offset` of a string's text is in the file: exact for a verbatim string, the
  // string's opening quote otherwise. REQUIRES: kind == kString, offset <= text.size().
  Position position_in_string(size_t offset) const;
};

struct Member {
  std::string key;
  Position key_pos;  // the key's opening quote
  Value value;
};

struct ParseError {
  Position pos;
  std::string path;     // where in the document it happened ("" for the top level)
  std::string message;  // what was expected: "expected ',' or '}' after an object member"
};

struct ParseResult {
  std::optional<Value> value;  // the document, or nullopt after an error
  ParseError error;            // meaningful when !value
};

ParseResult parse(std::string_view text);

// JSON paths as diagnostics print them: `steps[3].do`, `nodes.master.conf[0]`,
// `nodes["odd key"]`. A key that is not a plain name (letters, digits, '_', '-', not starting
// with a digit or '-') is quoted like a JSON string.
std::string member_path(std::string_view parent, std::string_view key);
std::string item_path(std::string_view parent, size_t index);

// `text` as a JSON string literal, quotes included; control characters become escapes.
std::string quote(std::string_view text);

}  // namespace tools::jsonc
