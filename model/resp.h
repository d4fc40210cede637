// RESP2, the wire protocol every simulated node speaks: reply values, their encoding, the
// multibulk encoding of commands, and incremental parsers for both ends of a connection.
//
// Invariants:
// - Encoding is byte-exact Redis: encoded_command_size(argv) == the bytes append_command adds,
//   so replication offsets counted from it match real Redis for the same commands.
// - RequestParser accepts and rejects exactly what Redis 7.0's processMultibulkBuffer /
//   processInlineBuffer (networking.c) do, with the same error replies, at the same point of
//   the input: an error needs the whole offending line, as in Redis.
// - ReplyParser behaves like hiredis's reader (redisReader, read.c) for RESP2 and uses its
//   error texts.
// - Both parsers consume input progressively: feeding bytes in any chunking gives the same
//   results as feeding them at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace model {

enum class RespKind : uint8_t {
  kStatus,     // +OK
  kError,      // -ERR ...
  kInteger,    // :5
  kBulk,       // $2\r\nv1
  kNullBulk,   // $-1
  kArray,      // *2 ...
  kNullArray,  // *-1
};

// One reply. `str` holds a status or error text (without the leading '+' / '-', e.g.
// "ERR syntax error") or a bulk payload; `num` an integer; `elements` an array's items.
struct RespValue {
  RespKind kind = RespKind::kNullBulk;
  int64_t num = 0;
  std::string str;
  std::vector<RespValue> elements;

  static RespValue ok() { return status("OK"); }
  // REQUIRES (status, error): `text` holds no '\r' or '\n'.
  static RespValue status(std::string text) { return {RespKind::kStatus, 0, std::move(text), {}}; }
  static RespValue error(std::string text) { return {RespKind::kError, 0, std::move(text), {}}; }
  static RespValue integer(int64_t n) { return {RespKind::kInteger, n, {}, {}}; }
  static RespValue bulk(std::string bytes) { return {RespKind::kBulk, 0, std::move(bytes), {}}; }
  static RespValue null_bulk() { return {}; }
  static RespValue array(std::vector<RespValue> items) {
    return {RespKind::kArray, 0, {}, std::move(items)};
  }
  static RespValue null_array() { return {RespKind::kNullArray, 0, {}, {}}; }

  bool is_error() const { return kind == RespKind::kError; }
  bool operator==(const RespValue&) const = default;
  // Member by member: std::swap's three moves cost more than swapping the buffers.
  friend void swap(RespValue& a, RespValue& b) noexcept {
    std::swap(a.kind, b.kind);
    std::swap(a.num, b.num);
    a.str.swap(b.str);
    a.elements.swap(b.elements);
  }
};

// Appends the RESP2 encoding of `value` to `out`.
void append_reply(std::string& out, const RespValue& value);

// Appends one RESP2 array header ("*<n>\r\n"), or one bulk string: for replies written
// straight into an output buffer, without building a RespValue.
void append_array_header(std::string& out, size_t n);
void append_bulk(std::string& out, std::string_view bytes);
void append_bulk(std::string& out, int64_t number);  // its decimal text, as a bulk string

// Appends `number`'s decimal text (what "%lld" prints).
void append_decimal(std::string& out, int64_t number);

// Appends `argv` as a multibulk array of bulk strings: *<argc>\r\n then $<len>\r\n<arg>\r\n each.
void append_command(std::string& out, std::span<const std::string_view> argv);
void append_command(std::string& out, std::span<const std::string> argv);
void append_command(std::string& out, std::initializer_list<std::string_view> argv);

// The exact number of bytes append_command adds for `argv`, computed without building it.
size_t encoded_command_size(std::span<const std::string_view> argv);
size_t encoded_command_size(std::span<const std::string> argv);
size_t encoded_command_size(std::initializer_list<std::string_view> argv);

// Appends `bytes` quoted like sdscatrepr (sds.c): "..." with \\ \" \n \r \t \a \b escaped,
// other bytes outside 0x20..0x7e as \xHH (the C locale's isprint).
void append_repr(std::string& out, std::string_view bytes);

// Splits a line into arguments like sdssplitargs (sds.c), the splitter of inline commands,
// redis-cli's prompt and config files: blanks separate; "double quotes" take \n \r \t \b \a
// \xHH and \<any> escapes; 'single quotes' take only \'; a closing quote must be followed by a
// blank or the end. An embedded NUL ends the line, as it ends Redis's C string. Replaces the
// contents of `args`; returns false (and leaves `args` unspecified) on unbalanced quotes.
bool split_args(std::string_view line, std::vector<std::string>& args);

enum class ParseStatus : uint8_t {
  kNeedMore,  // the input ends inside a command / reply: append more bytes and parse again
  kDone,      // one command / reply is complete
  kError,     // protocol error: Redis replies (see error()) and closes the connection
};

struct ParseResult {
  ParseStatus status = ParseStatus::kNeedMore;
  size_t consumed = 0;  // drop these bytes from the front of the input, whatever the status
};

// What Redis does on a request protocol error (setProtocolError in networking.c).
struct ProtocolError {
  std::string reply;        // the error reply text, e.g. "ERR Protocol error: invalid bulk
                            // length"; empty when Redis closes without replying
  std::string_view reason;  // logged as "Protocol error (<reason>) from client: ..."
};

// The server's knobs that change what a connection may send.
struct RequestLimits {
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  bool from_master = false;    // CLIENT_MASTER: no bulk limit, and inline requests are a desync
  bool auth_required = false;  // authRequired(): headers limited to 10 args of 16384 bytes
};

// The server side of a connection: turns the unread bytes into commands.
//
//   auto [status, used] = parser.parse(queue.view(), argv);
//   queue.consume(used);
//
// Each call parses at most one command. Complete header lines and arguments are consumed as
// they arrive and remembered, so a partial command is never re-parsed; the bytes after them
// must be passed again, with more appended. Empty commands (an empty or blank inline line,
// *0, *-1) are skipped, as Redis skips them.
class RequestParser {
 public:
  explicit RequestParser(RequestLimits limits = {}) : limits_(limits) {}

  // REQUIRES: the same `argv` on every call until one returns kDone; no call after kError
  // unless reset(). On kDone, `argv` holds exactly the command's arguments; the strings'
  // storage is reused by the next command (moving strings out of it is fine).
  ParseResult parse(std::string_view input, std::vector<std::string>& argv);

  // The last parse() skipped an empty inline line: a replica's keepalive newline, which
  // refreshes its ack time on the master (processInlineBuffer).
  bool saw_empty_line() const { return saw_empty_line_; }
  const ProtocolError& error() const { return error_; }
  void set_limits(RequestLimits limits) { limits_ = limits; }
  void reset();

 private:
  enum class Step : uint8_t { kNeedMore, kContinue, kCommand, kError };

  Step parse_inline(std::string_view input, size_t& pos, std::vector<std::string>& argv);
  Step parse_multibulk_count(std::string_view input, size_t& pos);
  Step parse_bulks(std::string_view input, size_t& pos, std::vector<std::string>& argv);
  Step fail(std::string reply, std::string_view reason);

  RequestLimits limits_;
  int64_t multibulk_left_ = 0;  // arguments still to read; 0 between commands
  int64_t bulk_len_ = -1;       // length of the argument being read; -1 before its header
  size_t argc_ = 0;             // arguments read so far
  bool saw_empty_line_ = false;
  ProtocolError error_;
};

// The client side of a connection: turns the unread bytes into replies, nested arrays
// included. Same contract as RequestParser: drop `consumed` bytes, pass the rest again.
class ReplyParser {
 public:
  ReplyParser() = default;
  ReplyParser(const ReplyParser&) = delete;  // its stack points into its partial reply
  ReplyParser& operator=(const ReplyParser&) = delete;
  ReplyParser(ReplyParser&&) = default;
  ReplyParser& operator=(ReplyParser&&) = default;

  // On kDone, `reply` holds the reply, and what `reply` held before is kept to parse later
  // replies into (passing the same RespValue every time reuses its buffers).
  // REQUIRES: no call after kError unless reset().
  ParseResult parse(std::string_view input, RespValue& reply);

  // hiredis's message for the protocol error, e.g. "Bad multi-bulk length".
  const std::string& error() const { return error_; }
  void reset();

 private:
  struct Frame {
    RespValue* array;  // nullptr for root_; else an element of its parent's vector, which
                       // stays put: the parent is not modified while this array fills
    int64_t left;      // elements still to read
    size_t filled;     // elements read: the array's vector may hold more, left by a former
                       // reply, which are reused and then dropped when the array is complete
  };

  // Parses the item at `pos` into `item`; `open_count` > 0 when it opens a non-empty array.
  ParseStatus parse_item(std::string_view input, size_t& pos, RespValue& item,
                         int64_t& open_count);
  ParseStatus fail(std::string message);
  // Accounts for `item`, parsed in place (an opened array then fills next); true when the
  // whole reply is complete.
  bool place(RespValue& item, int64_t open_count);

  RespValue root_;
  std::vector<Frame> stack_;
  std::string error_;
};

}  // namespace model
