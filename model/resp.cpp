// RESP2 encoding and the incremental request / reply parsers (see resp.h).
#include "model/resp.h"

#include <algorithm>
#include <charconv>
#include <climits>

#include "model/config_syntax.h"

namespace model {
namespace {

constexpr size_t kInlineMaxSize = 64 * 1024;  // PROTO_INLINE_MAX_SIZE
constexpr int64_t kAuthMaxArgs = 10;          // authRequired() limits in processMultibulkBuffer
constexpr int64_t kAuthMaxBulkLen = 16384;
constexpr int64_t kReplyMaxElements = (1LL << 32) - 1;  // REDIS_READER_MAX_ARRAY_ELEMENTS
constexpr size_t kReserveMax = 1024;  // never trust a count from the wire for a reservation

size_t decimal_digits(uint64_t v) {
  size_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

constexpr std::string_view kCrlf = "\r\n";

constexpr size_t kHeaderMax = 24;  // "<type><int64>\r\n"

// Writes "<type><n>\r\n" at `at` (kHeaderMax bytes of room); returns the end.
char* put_header(char* at, char type, int64_t n) {
  *at++ = type;
  at = std::to_chars(at, at + kHeaderMax - 3, n).ptr;
  *at++ = '\r';
  *at++ = '\n';
  return at;
}

// "<type><n>\r\n" in one append: headers are most of what RESP writes.
void append_header(std::string& out, char type, int64_t n) {
  char buf[kHeaderMax];
  out.append(buf, put_header(buf, type, n));
}

// strchr(s + from, c) on Redis's NUL-terminated query buffer: npos when a NUL comes first.
// Byte by byte: the lines searched are headers of a few bytes, where one pass beats two memchr.
size_t find_in_c_string(std::string_view s, size_t from, char c) {
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == c) return i;
    if (s[i] == '\0') return std::string_view::npos;
  }
  return std::string_view::npos;
}

// The first "\r\n" at or after `from` (hiredis seekNewline), byte by byte as above.
size_t find_crlf(std::string_view s, size_t from) {
  for (size_t i = from; i + 1 < s.size(); ++i) {
    if (s[i] == '\r' && s[i + 1] == '\n') return i;
  }
  return std::string_view::npos;
}

// s[from, to) without substr's bounds check: the parsers have bounded both ends already.
std::string_view slice(std::string_view s, size_t from, size_t to) {
  return {s.data() + from, to - from};
}

bool is_c_space(char c) {  // isspace() in the C locale
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// The value of a hex digit, or -1.
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) return (c | 0x20) - 'a' + 10;
  return -1;
}

char unescape(char c) {
  switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'a': return '\a';
    default: return c;
  }
}

// Slot `n` of an argv being refilled: an existing string is cleared and reused.
std::string& argv_slot(std::vector<std::string>& argv, size_t n) {
  if (n < argv.size()) {
    argv[n].clear();
    return argv[n];
  }
  return argv.emplace_back();
}

// The byte at `k` of a line seen as a C string: '\0' past its end.
char at(std::string_view line, size_t k) { return k < line.size() ? line[k] : '\0'; }

// One token of sdssplitargs, starting at the non-blank `i` and leaving `i` after it.
// Returns false on unbalanced quotes.
bool split_token(std::string_view line, size_t& i, std::string& token) {
  char quote = '\0';  // the open quote, if any
  for (;; ++i) {
    char c = at(line, i);
    char next = at(line, i + 1);
    if (quote == '\0') {
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0') return true;
      if (c == '"' || c == '\'') {
        quote = c;
      } else {
        token.push_back(c);
      }
    } else if (c == '\0') {
      return false;  // unterminated quotes
    } else if (c == quote) {
      ++i;
      return next == '\0' || is_c_space(next);  // a closing quote must end the token
    } else if (quote == '"' && c == '\\' && next == 'x' && hex_value(at(line, i + 2)) >= 0 &&
               hex_value(at(line, i + 3)) >= 0) {
      token.push_back(static_cast<char>(hex_value(at(line, i + 2)) * 16 +
                                        hex_value(at(line, i + 3))));
      i += 3;
    } else if (c == '\\' && (quote == '"' ? next != '\0' : next == '\'')) {
      token.push_back(unescape(next));  // in single quotes, only \' is an escape
      ++i;
    } else {
      token.push_back(c);
    }
  }
}

template <typename Str>
size_t command_size(std::span<const Str> argv) {
  size_t n = 1 + decimal_digits(argv.size()) + 2;
  for (const Str& arg : argv) n += 1 + decimal_digits(arg.size()) + 2 + arg.size() + 2;
  return n;
}

template <typename Str>
void command_append(std::string& out, std::span<const Str> argv) {
  append_array_header(out, argv.size());
  for (const Str& arg : argv) append_bulk(out, std::string_view(arg));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Encoding

void append_reply(std::string& out, const RespValue& value) {
  switch (value.kind) {
    case RespKind::kStatus:
    case RespKind::kError:
      out.push_back(value.kind == RespKind::kStatus ? '+' : '-');
      out.append(value.str);
      out.append(kCrlf);
      return;
    case RespKind::kInteger: append_header(out, ':', value.num); return;
    case RespKind::kBulk: append_bulk(out, std::string_view(value.str)); return;
    case RespKind::kNullBulk: out.append("$-1\r\n"); return;
    case RespKind::kArray:
      append_array_header(out, value.elements.size());
      for (const RespValue& e : value.elements) append_reply(out, e);
      return;
    case RespKind::kNullArray: out.append("*-1\r\n"); return;
  }
}

void append_array_header(std::string& out, size_t n) {
  append_header(out, '*', static_cast<int64_t>(n));
}

void append_bulk(std::string& out, std::string_view bytes) {
  // Arguments, names and field values are short: "$<n>\r\n<bytes>\r\n" is built on the
  // stack and appended once (a third of the appends, the hot path of every command sent).
  constexpr size_t kShort = 96;
  if (bytes.size() > kShort) {
    append_header(out, '$', static_cast<int64_t>(bytes.size()));
    out.append(bytes);
    out.append(kCrlf);
    return;
  }
  char buf[kHeaderMax + kShort + 2];
  char* end = put_header(buf, '$', static_cast<int64_t>(bytes.size()));
  end = std::copy(bytes.begin(), bytes.end(), end);  // not memcpy: an empty view's data may be null
  *end++ = '\r';
  *end++ = '\n';
  out.append(buf, end);
}

void append_bulk(std::string& out, int64_t number) {
  char digits[24];
  append_bulk(out, std::string_view(digits, std::to_chars(digits, digits + sizeof digits,
                                                          number).ptr));
}

void append_decimal(std::string& out, int64_t number) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, number).ptr);
}

void append_command(std::string& out, std::span<const std::string_view> argv) {
  command_append(out, argv);
}
void append_command(std::string& out, std::span<const std::string> argv) {
  command_append(out, argv);
}
void append_command(std::string& out, std::initializer_list<std::string_view> argv) {
  command_append(out, std::span(argv.begin(), argv.size()));
}

size_t encoded_command_size(std::span<const std::string_view> argv) { return command_size(argv); }
size_t encoded_command_size(std::span<const std::string> argv) { return command_size(argv); }
size_t encoded_command_size(std::initializer_list<std::string_view> argv) {
  return command_size(std::span(argv.begin(), argv.size()));
}

void append_repr(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : bytes) {
    switch (c) {
      case '\\': out.append("\\\\"); break;
      case '"': out.append("\\\""); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\a': out.append("\\a"); break;
      case '\b': out.append("\\b"); break;
      default:
        if (c >= 0x20 && c <= 0x7e) {
          out.push_back(c);
        } else {
          auto u = static_cast<unsigned char>(c);
          out.append({'\\', 'x', kHex[u >> 4], kHex[u & 0xf]});
        }
    }
  }
  out.push_back('"');
}

bool split_args(std::string_view line, std::vector<std::string>& args) {
  size_t argc = 0;
  size_t i = 0;
  while (true) {
    while (at(line, i) != '\0' && is_c_space(at(line, i))) ++i;
    if (at(line, i) == '\0') break;
    if (!split_token(line, i, argv_slot(args, argc++))) return false;
  }
  args.resize(argc);
  return true;
}

// ---------------------------------------------------------------------------------------------
// RequestParser: processInputBuffer / processInlineBuffer / processMultibulkBuffer

void RequestParser::reset() {
  multibulk_left_ = 0;
  bulk_len_ = -1;
  argc_ = 0;
  saw_empty_line_ = false;
  error_ = {};
}

ParseResult RequestParser::parse(std::string_view input, std::vector<std::string>& argv) {
  saw_empty_line_ = false;
  size_t pos = 0;
  while (true) {
    Step step;
    if (multibulk_left_ > 0) {
      step = parse_bulks(input, pos, argv);
    } else if (pos == input.size()) {
      step = Step::kNeedMore;
    } else if (input[pos] == '*') {
      step = parse_multibulk_count(input, pos);
    } else {
      step = parse_inline(input, pos, argv);
    }
    switch (step) {
      case Step::kContinue: break;
      case Step::kNeedMore: return {ParseStatus::kNeedMore, pos};
      case Step::kCommand: return {ParseStatus::kDone, pos};
      case Step::kError: return {ParseStatus::kError, pos};
    }
  }
}

RequestParser::Step RequestParser::fail(std::string reply, std::string_view reason) {
  error_ = {std::move(reply), reason};
  return Step::kError;
}

RequestParser::Step RequestParser::parse_inline(std::string_view input, size_t& pos,
                                                std::vector<std::string>& argv) {
  size_t newline = find_in_c_string(input, pos, '\n');
  if (newline == std::string_view::npos) {
    if (input.size() - pos > kInlineMaxSize) {
      return fail("ERR Protocol error: too big inline request", "too big inline request");
    }
    return Step::kNeedMore;
  }
  size_t end = (newline > pos && input[newline - 1] == '\r') ? newline - 1 : newline;
  std::string_view line = slice(input, pos, end);
  if (!split_args(line, argv)) {
    return fail("ERR Protocol error: unbalanced quotes in request",
                "unbalanced quotes in inline request");
  }
  if (line.empty()) saw_empty_line_ = true;
  if (!line.empty() && limits_.from_master) {
    return fail("", "Master using the inline protocol. Desync?");
  }
  pos = newline + 1;
  return argv.empty() ? Step::kContinue : Step::kCommand;
}

RequestParser::Step RequestParser::parse_multibulk_count(std::string_view input, size_t& pos) {
  size_t cr = find_in_c_string(input, pos, '\r');
  if (cr == std::string_view::npos) {
    if (input.size() - pos > kInlineMaxSize) {
      return fail("ERR Protocol error: too big mbulk count string", "too big mbulk count string");
    }
    return Step::kNeedMore;
  }
  if (cr + 1 >= input.size()) return Step::kNeedMore;  // Redis skips 2 bytes, unchecked
  int64_t count = 0;
  if (!parse_ll(slice(input, pos + 1, cr), count) || count > INT_MAX) {
    return fail("ERR Protocol error: invalid multibulk length", "invalid mbulk count");
  }
  if (count > kAuthMaxArgs && limits_.auth_required) {
    return fail("ERR Protocol error: unauthenticated multibulk length", "unauth mbulk count");
  }
  pos = cr + 2;
  multibulk_left_ = std::max<int64_t>(count, 0);
  argc_ = 0;
  return Step::kContinue;
}

RequestParser::Step RequestParser::parse_bulks(std::string_view input, size_t& pos,
                                               std::vector<std::string>& argv) {
  while (multibulk_left_ > 0) {
    if (bulk_len_ < 0) {
      size_t cr = find_in_c_string(input, pos, '\r');
      if (cr == std::string_view::npos) {
        if (input.size() - pos > kInlineMaxSize) {
          return fail("ERR Protocol error: too big bulk count string",
                      "too big bulk count string");
        }
        return Step::kNeedMore;
      }
      if (cr + 1 >= input.size()) return Step::kNeedMore;
      if (input[pos] != '$') {
        // addReplyErrorFormat turns the newlines of the formatted text into spaces.
        char got = (input[pos] == '\r' || input[pos] == '\n') ? ' ' : input[pos];
        return fail(std::string("ERR Protocol error: expected '$', got '") + got + "'",
                    "expected $ but got something else");
      }
      int64_t len = 0;
      if (!parse_ll(slice(input, pos + 1, cr), len) || len < 0 ||
          (!limits_.from_master && len > limits_.proto_max_bulk_len)) {
        return fail("ERR Protocol error: invalid bulk length", "invalid bulk length");
      }
      if (len > kAuthMaxBulkLen && limits_.auth_required) {
        return fail("ERR Protocol error: unauthenticated bulk length", "unauth bulk length");
      }
      pos = cr + 2;
      bulk_len_ = len;
    }
    auto len = static_cast<size_t>(bulk_len_);
    if (input.size() - pos < len + 2) return Step::kNeedMore;  // the 2 bytes go unchecked
    argv_slot(argv, argc_++).assign(slice(input, pos, pos + len));
    pos += len + 2;
    bulk_len_ = -1;
    --multibulk_left_;
  }
  argv.resize(argc_);
  argc_ = 0;
  return Step::kCommand;
}

// ---------------------------------------------------------------------------------------------
// ReplyParser: hiredis's redisReaderGetReply for RESP2

void ReplyParser::reset() {
  root_ = {};
  stack_.clear();
  error_.clear();
}

ParseResult ReplyParser::parse(std::string_view input, RespValue& reply) {
  size_t pos = 0;
  while (true) {
    // Each item is parsed where it belongs: root_, or the next element of the open array,
    // reusing an element a former reply left there (its strings keep their buffers).
    RespValue* item = &root_;
    if (!stack_.empty()) {
      Frame& frame = stack_.back();
      RespValue& parent = frame.array != nullptr ? *frame.array : root_;
      if (frame.filled == parent.elements.size()) parent.elements.emplace_back();
      item = &parent.elements[frame.filled++];
    }
    int64_t open_count = 0;
    ParseStatus status = parse_item(input, pos, *item, open_count);
    if (status != ParseStatus::kDone) {
      if (!stack_.empty()) --stack_.back().filled;  // parsed again from its start next time
      return {status, pos};
    }
    if (place(*item, open_count)) {
      // The caller's former reply becomes the storage the next one is parsed into.
      swap(reply, root_);
      return {ParseStatus::kDone, pos};
    }
  }
}

ParseStatus ReplyParser::fail(std::string message) {
  error_ = std::move(message);
  return ParseStatus::kError;
}

ParseStatus ReplyParser::parse_item(std::string_view input, size_t& pos, RespValue& item,
                                    int64_t& open_count) {
  if (pos >= input.size()) return ParseStatus::kNeedMore;
  char type = input[pos];
  if (type != '+' && type != '-' && type != ':' && type != '$' && type != '*') {
    std::string message = "Protocol error, got ";
    append_repr(message, std::string_view(&type, 1));
    return fail(message + " as reply type byte");
  }
  size_t eol = find_crlf(input, pos + 1);
  if (eol == std::string_view::npos) return ParseStatus::kNeedMore;
  std::string_view line = slice(input, pos + 1, eol);
  size_t next = eol + 2;
  int64_t n = 0;
  // A reused item keeps nothing of what it held: only an opened array's elements stay, to be
  // overwritten (place() drops the ones left over).
  item.num = 0;
  item.str.clear();
  if (type != '*') item.elements.clear();
  if (type == '+' || type == '-') {
    if (line.find_first_of("\r\n") != std::string_view::npos) {
      return fail("Bad simple string value");
    }
    item.kind = type == '+' ? RespKind::kStatus : RespKind::kError;
    item.str.assign(line);
  } else if (!parse_ll(line, n)) {
    return fail(type == ':'   ? "Bad integer value"
                : type == '$' ? "Bad bulk string length"
                              : "Bad multi-bulk length");
  } else if (type == ':') {
    item.kind = RespKind::kInteger;
    item.num = n;
  } else if (type == '$') {
    if (n < -1) return fail("Bulk string length out of range");
    if (n == -1) {
      item.kind = RespKind::kNullBulk;
    } else {
      auto len = static_cast<size_t>(n);
      if (input.size() - next < len + 2) return ParseStatus::kNeedMore;  // 2 bytes unchecked
      item.kind = RespKind::kBulk;
      item.str.assign(slice(input, next, next + len));
      next += len + 2;
    }
  } else {
    if (n < -1 || n > kReplyMaxElements) return fail("Multi-bulk length out of range");
    item.kind = n < 0 ? RespKind::kNullArray : RespKind::kArray;
    open_count = std::max<int64_t>(n, 0);
  }
  pos = next;
  return ParseStatus::kDone;
}

bool ReplyParser::place(RespValue& item, int64_t open_count) {
  const bool nested = !stack_.empty();
  if (nested) --stack_.back().left;
  if (open_count > 0) {
    item.elements.reserve(std::min(static_cast<size_t>(open_count), kReserveMax));
    stack_.push_back({nested ? &item : nullptr, open_count, 0});
    return false;
  }
  if (item.kind == RespKind::kArray || item.kind == RespKind::kNullArray) item.elements.clear();
  while (!stack_.empty() && stack_.back().left == 0) {
    Frame& done = stack_.back();
    (done.array != nullptr ? *done.array : root_).elements.resize(done.filled);
    stack_.pop_back();
  }
  return stack_.empty();
}

}  // namespace model
