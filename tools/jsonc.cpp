// The JSON-with-comments reader (see jsonc.h): a recursive-descent parser over the bytes,
// tracking line and column as it advances.
#include "tools/jsonc.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <variant>

namespace tools::jsonc {
namespace {

struct Failure {  // unwinds the parser to parse() with the first error
  Position pos;
  std::string path;
  std::string message;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '.' || c == '+' || c == '-';
}
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  auto byte = [&](uint32_t b) { out.push_back(static_cast<char>(b)); };
  if (cp < 0x80) {
    byte(cp);
  } else if (cp < 0x800) {
    byte(0xC0 | (cp >> 6));
    byte(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    byte(0xE0 | (cp >> 12));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  } else {
    byte(0xF0 | (cp >> 18));
    byte(0x80 | ((cp >> 12) & 0x3F));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Value document() {
    if (text_.starts_with("\xEF\xBB\xBF")) i_ = 3;
    skip_space();
    if (at_end()) fail("expected a JSON value, got the end of the input");
    Value root = value();
    skip_space();
    if (!at_end()) fail(fmt::format("expected the end of the input after the top-level value, "
                                    "got {}", describe_here()));
    return root;
  }

  // The path of the value being read: its keys live in the objects' duplicate indexes.
  std::string path() const {
    std::string out;
    for (const auto& part : path_) {
      if (const auto* key = std::get_if<std::string_view>(&part)) {
        out = member_path(out, *key);
      } else {
        out = item_path(out, std::get<size_t>(part));
      }
    }
    return out;
  }

 private:
  bool at_end() const { return i_ >= text_.size(); }
  char peek() const { return text_[i_]; }
  Position here() const { return {line_, col_}; }

  void advance() {
    char c = text_[i_++];
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else if (i_ >= text_.size() || !is_continuation(text_[i_])) {
      ++col_;  // the next byte starts a new character
    }
  }

  [[noreturn]] void fail(std::string message) const { fail_at(here(), std::move(message)); }
  [[noreturn]] void fail_at(Position pos, std::string message) const {
    throw Failure{pos, path(), std::move(message)};
  }

  // What the parser found where it expected something else: "'x'", "'abc'", "byte 0x01".
  std::string describe_here() const {
    if (at_end()) return "the end of the input";
    char c = peek();
    if (is_word_char(c)) {
      size_t end = i_;
      while (end < text_.size() && end - i_ < 24 && is_word_char(text_[end])) ++end;
      return fmt::format("'{}'", text_.substr(i_, end - i_));
    }
    if (c > ' ' && c < 0x7F) return fmt::format("'{}'", c);
    return fmt::format("byte 0x{:02X}", static_cast<unsigned char>(c));
  }

  void skip_space() {
    while (!at_end()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else if (c == '/') {
        skip_comment();
      } else {
        return;
      }
    }
  }

  void skip_comment() {
    Position start = here();
    advance();
    if (!at_end() && peek() == '/') {
      while (!at_end() && peek() != '\n') advance();
      return;
    }
    if (at_end() || peek() != '*') fail_at(start, "expected // or /* to start a comment");
    advance();
    while (!at_end()) {
      if (peek() == '*' && i_ + 1 < text_.size() && text_[i_ + 1] == '/') {
        advance();
        advance();
        return;
      }
      advance();
    }
    fail_at(start, "unterminated /* comment: expected */");
  }

  Value value() {
    char c = peek();
    if (c == '{' || c == '[') {
      if (depth_ == kMaxDepth) {
        fail(fmt::format("arrays and objects nested more than {} deep", kMaxDepth));
      }
      ++depth_;
      Value v = c == '{' ? object() : array();
      --depth_;
      return v;
    }
    if (c == '"') return string_value();
    if (c == '-' || is_digit(c)) return number();
    return literal();
  }

  Value literal() {
    Value v;
    v.pos = here();
    for (auto [word, kind, flag] : {std::tuple{"true", Kind::kBool, true},
                                    std::tuple{"false", Kind::kBool, false},
                                    std::tuple{"null", Kind::kNull, false}}) {
      std::string_view w(word);
      bool ends = i_ + w.size() >= text_.size() || !is_word_char(text_[i_ + w.size()]);
      if (text_.substr(i_, w.size()) == w && ends) {
        for (size_t k = 0; k < w.size(); ++k) advance();
        v.kind = kind;
        v.boolean = flag;
        return v;
      }
    }
    std::string hint = peek() == '\'' ? " (strings take double quotes)" : "";
    fail(fmt::format("expected a value (an object, array, string, number, true, false or "
                     "null), got {}{}", describe_here(), hint));
  }

  Value object();
  Value array();
  Value string_value();
  std::string string_body();
  uint32_t escape_u();
  uint32_t hex4();
  Value number();
  void digits(std::string_view after);

  std::string_view text_;
  size_t i_ = 0;
  uint32_t line_ = 1, col_ = 1;
  size_t depth_ = 0;
  std::vector<std::variant<std::string_view, size_t>> path_;  // keys, array indexes
};

Value Parser::object() {
  Value v;
  v.kind = Kind::kObject;
  v.pos = here();
  advance();  // '{'
  std::map<std::string, Position, std::less<>> seen;
  skip_space();
  while (true) {
    if (!at_end() && peek() == '}') break;
    if (at_end() || peek() != '"') {
      fail(fmt::format("expected a key in double quotes or '}}', got {}", describe_here()));
    }
    Member m;
    m.key_pos = here();
    m.key = string_body();
    auto [it, fresh] = seen.emplace(m.key, m.key_pos);
    if (!fresh) {
      fail_at(m.key_pos, fmt::format("duplicate key {} (first at line {}, column {})",
                                     quote(m.key), it->second.line, it->second.col));
    }
    skip_space();
    if (at_end() || peek() != ':') {
      fail(fmt::format("expected ':' after the key {}, got {}", quote(m.key), describe_here()));
    }
    advance();
    skip_space();
    if (at_end()) fail(fmt::format("expected a value for {}, got the end of the input",
                                   quote(m.key)));
    path_.emplace_back(std::string_view(it->first));
    m.value = value();
    path_.pop_back();
    v.members.push_back(std::move(m));
    skip_space();
    if (!at_end() && peek() == ',') {
      advance();
      skip_space();
      continue;
    }
    if (!at_end() && peek() == '}') break;
    fail(fmt::format("expected ',' or '}}' after an object member, got {}", describe_here()));
  }
  advance();  // '}'
  return v;
}

Value Parser::array() {
  Value v;
  v.kind = Kind::kArray;
  v.pos = here();
  advance();  // '['
  skip_space();
  while (true) {
    if (!at_end() && peek() == ']') break;
    if (at_end()) fail("expected a value or ']', got the end of the input");
    path_.emplace_back(v.items.size());
    v.items.push_back(value());
    path_.pop_back();
    skip_space();
    if (!at_end() && peek() == ',') {
      advance();
      skip_space();
      continue;
    }
    if (!at_end() && peek() == ']') break;
    fail(fmt::format("expected ',' or ']' after an array element, got {}", describe_here()));
  }
  advance();  // ']'
  return v;
}

Value Parser::string_value() {
  Value v;
  v.kind = Kind::kString;
  v.pos = here();
  size_t start = i_;
  v.text = string_body();
  v.verbatim = i_ - start == v.text.size() + 2;  // no escape shortened the text
  return v;
}

// REQUIRES: peek() == '"'. Returns the decoded text and leaves i_ after the closing quote.
std::string Parser::string_body() {
  Position open = here();
  advance();
  std::string out;
  while (true) {
    if (at_end()) fail_at(open, "unterminated string: expected '\"' before the end of the input");
    char c = peek();
    if (c == '"') break;
    if (c == '\n') fail_at(open, "unterminated string: expected '\"' before the end of the line");
    if (static_cast<unsigned char>(c) < 0x20) {
      fail(fmt::format("control character 0x{:02X} in a string: write it as an escape "
                       "(\\t, \\n, \\u00XX)", static_cast<unsigned char>(c)));
    }
    if (c != '\\') {
      out.push_back(c);
      advance();
      continue;
    }
    Position backslash = here();
    advance();
    char e = at_end() ? '\0' : peek();
    constexpr std::string_view kFrom = "\"\\/bfnrt", kTo = "\"\\/\b\f\n\r\t";
    if (size_t k = kFrom.find(e); e != '\0' && k != std::string_view::npos) {
      out.push_back(kTo[k]);
      advance();
    } else if (e == 'u') {
      append_utf8(out, escape_u());
    } else {
      fail_at(backslash, "invalid escape in a string: expected one of \\\" \\\\ \\/ \\b \\f "
                         "\\n \\r \\t \\uXXXX");
    }
  }
  advance();  // the closing quote
  return out;
}

// After "\": a \uXXXX escape, or a surrogate pair of two. Returns the code point.
uint32_t Parser::escape_u() {
  Position start = {line_, col_ - 1};
  uint32_t cp = hex4();
  if (cp >= 0xDC00 && cp <= 0xDFFF) {
    fail_at(start, fmt::format("unpaired UTF-16 surrogate \\u{:04X} in a string", cp));
  }
  if (cp < 0xD800 || cp > 0xDBFF) return cp;
  if (text_.substr(i_, 2) != "\\u") {
    fail_at(start, fmt::format("unpaired UTF-16 surrogate \\u{:04X} in a string", cp));
  }
  advance();
  uint32_t low = hex4();
  if (low < 0xDC00 || low > 0xDFFF) {
    fail_at(start, fmt::format("unpaired UTF-16 surrogate \\u{:04X} in a string", cp));
  }
  return 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
}

// REQUIRES: peek() == 'u'. Reads 'u' and four hex digits.
uint32_t Parser::hex4() {
  advance();
  uint32_t cp = 0;
  for (int k = 0; k < 4; ++k) {
    int h = at_end() ? -1 : hex_value(peek());
    if (h < 0) fail("expected 4 hex digits after \\u");
    cp = cp * 16 + static_cast<uint32_t>(h);
    advance();
  }
  return cp;
}

void Parser::digits(std::string_view after) {
  if (at_end() || !is_digit(peek())) {
    fail(fmt::format("expected a digit after {}, got {}", after, describe_here()));
  }
  while (!at_end() && is_digit(peek())) advance();
}

Value Parser::number() {
  Value v;
  v.kind = Kind::kNumber;
  v.pos = here();
  size_t start = i_;
  if (peek() == '-') advance();
  if (!at_end() && peek() == '0' && i_ + 1 < text_.size() && is_digit(text_[i_ + 1])) {
    fail("leading zeros are not allowed in numbers");
  }
  digits("'-'");  // a number starts with '-' or a digit
  if (!at_end() && peek() == '.') {
    advance();
    digits("'.'");
  }
  if (!at_end() && (peek() == 'e' || peek() == 'E')) {
    advance();
    if (!at_end() && (peek() == '+' || peek() == '-')) advance();
    digits("the exponent");
  }
  if (!at_end() && is_word_char(peek())) {
    size_t end = i_;
    while (end < text_.size() && end - start < 32 && is_word_char(text_[end])) ++end;
    fail_at(v.pos, fmt::format("invalid number '{}' (a value with a unit, such as a duration, "
                               "is a string: \"30s\")", text_.substr(start, end - start)));
  }
  v.text = std::string(text_.substr(start, i_ - start));
  auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), v.number);
  if (ec != std::errc()) fail_at(v.pos, fmt::format("number {} is out of range", v.text));
  return v;
}

bool is_plain_key(std::string_view key) {
  if (key.empty() || is_digit(key[0]) || key[0] == '-') return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '-';
  });
}

}  // namespace

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "a boolean";
    case Kind::kNumber: return "a number";
    case Kind::kString: return "a string";
    case Kind::kArray: return "an array";
    case Kind::kObject: return "an object";
  }
  return "a value";
}

const Value* Value::find(std::string_view key) const {
  for (const Member& m : members) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

Position Value::position_in_string(size_t offset) const {
  if (!verbatim) return pos;
  uint32_t chars = 0;
  for (size_t k = 0; k < offset && k < text.size(); ++k) {
    if (!is_continuation(text[k])) ++chars;
  }
  return {pos.line, pos.col + 1 + chars};
}

ParseResult parse(std::string_view text) {
  if (text.size() > kMaxInputBytes) {
    return {std::nullopt, {{1, 1}, "", fmt::format("the input is larger than the limit of {} "
                                                   "bytes (1 MiB)", kMaxInputBytes)}};
  }
  Parser parser(text);
  try {
    return {parser.document(), {}};
  } catch (const Failure& f) {
    return {std::nullopt, {f.pos, f.path, f.message}};
  }
}

std::string member_path(std::string_view parent, std::string_view key) {
  if (!is_plain_key(key)) return fmt::format("{}[{}]", parent, quote(key));
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

std::string item_path(std::string_view parent, size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

}  // namespace tools::jsonc
