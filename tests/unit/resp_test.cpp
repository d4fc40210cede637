// RESP2 encoding and parsing. Expected bytes and error texts marked "observed" were captured
// from redis-server 7.0.15 by writing raw bytes to a socket and reading its answer.
#include "model/resp.h"

#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <string>
#include <vector>

using model::ParseStatus;
using model::RespValue;
using namespace std::string_literals;

namespace doctest {
template <>
struct StringMaker<RespValue> {
  static String convert(const RespValue& v) {
    std::string wire;
    model::append_reply(wire, v);
    std::string shown;
    model::append_repr(shown, wire);
    return shown.c_str();
  }
};
}  // namespace doctest

namespace {

using Argv = std::vector<std::string>;

Argv error_item(const model::RequestParser& parser) { return {"!error: " + parser.error().reply}; }
RespValue error_item(const model::ReplyParser& parser) {
  return RespValue::error("!error: " + parser.error());
}

// Plays a connection: appends `stream` to the unread bytes in chunks ending at `cuts` and drops
// what each parse() consumed. Returns what was parsed, and a protocol error as a last item
// "!error: <text>"; the bytes left unread go to `unread`.
template <typename Item, typename Parser>
std::vector<Item> feed(Parser& parser, std::string_view stream, const std::vector<size_t>& cuts,
                       std::string* unread = nullptr) {
  std::vector<Item> items;
  std::string buffer;
  // The same argv on every call, as RequestParser requires; the same RespValue, as Sentinel
  // passes it, so ReplyParser reuses every earlier reply's storage: what it returns must not
  // keep anything of them.
  Item item;
  size_t from = 0;
  for (size_t cut : cuts) {
    buffer.append(stream.substr(from, cut - from));
    from = cut;
    while (true) {
      auto [status, used] = parser.parse(buffer, item);
      buffer.erase(0, used);
      if (status == ParseStatus::kNeedMore) break;
      if (status == ParseStatus::kError) return {error_item(parser)};
      items.push_back(item);
    }
  }
  if (unread != nullptr) *unread = buffer;
  return items;
}

std::vector<Argv> parse_requests(std::string_view stream, std::string* unread = nullptr) {
  model::RequestParser parser;
  return feed<Argv>(parser, stream, {stream.size()}, unread);
}

// Replies parsed from `stream`; bytes left unread show as a last bulk "!unread: <bytes>".
std::vector<RespValue> feed_replies(std::string_view stream, const std::vector<size_t>& cuts) {
  model::ReplyParser parser;
  std::string unread;
  std::vector<RespValue> replies = feed<RespValue>(parser, stream, cuts, &unread);
  if (!unread.empty()) replies.push_back(RespValue::bulk("!unread: " + unread));
  return replies;
}

std::string encode(const RespValue& v) {
  std::string out;
  model::append_reply(out, v);
  return out;
}

// A request stream mixing everything the parser meets: pipelined multibulk, inline with
// quotes, empty commands, binary payloads.
const std::string kMixedRequests =
    "*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\nv\r\n1\r\n"
    "*0\r\n\r\n  \n*-1\r\nECHO \"a b\" 'c'\r\n*2\r\n$4\r\nECHO\r\n$3\r\n\0\r\n\r\nPING\n"s;
const std::vector<Argv> kMixedCommands = {
    {"PING"}, {"SET", "k", "v\r\n1"}, {"ECHO", "a b", "c"}, {"ECHO", std::string("\0\r\n", 3)},
    {"PING"}};

}  // namespace

TEST_CASE("encoding: PING is the 14 bytes *1 $4 PING, and the size is known without building") {
  std::string out;
  model::append_command(out, {"PING"});
  CHECK(out == "*1\r\n$4\r\nPING\r\n");
  CHECK(model::encoded_command_size({"PING"}) == 14);
}

TEST_CASE("encoding: sizes are the master_repl_offset steps of a real master") {
  // observed: a master with one replica moved master_repl_offset by 50 for its first write,
  // `SET k v` (propagated as SELECT 0 then SET k v), then by 131 for `SET key2 <100 x>`.
  size_t first_write =
      model::encoded_command_size({"SELECT", "0"}) + model::encoded_command_size({"SET", "k", "v"});
  CHECK(first_write == 50);
  CHECK(model::encoded_command_size({"SET", "key2", std::string(100, 'x')}) == 131);
}

TEST_CASE("encoding: command sizes are exact across digit boundaries of counts and lengths") {
  const size_t kCounts[] = {1, 9, 10, 99, 100, 1000};
  const size_t kLengths[] = {0, 9, 10, 99, 100, 10000};
  for (size_t argc : kCounts) {
    for (size_t len : kLengths) {
      Argv argv(argc, std::string(len, 'x'));
      std::string out = "prefix";
      model::append_command(out, argv);
      CHECK(out.size() - 6 == model::encoded_command_size(argv));
      CHECK(parse_requests(out.substr(6)) == std::vector<Argv>{argv});
    }
  }
}

TEST_CASE("encoding: string_view, string and brace-list commands encode alike") {
  std::vector<std::string_view> views = {"SET", "key", "value"};
  Argv strings = {"SET", "key", "value"};
  std::string a, b, c;
  model::append_command(a, views);
  model::append_command(b, strings);
  model::append_command(c, {"SET", "key", "value"});
  CHECK(a == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n");
  CHECK(a == b);
  CHECK(a == c);
  CHECK(model::encoded_command_size(views) == a.size());
}

TEST_CASE("encoding: every reply kind as Redis writes it") {
  CHECK(encode(RespValue::ok()) == "+OK\r\n");
  CHECK(encode(RespValue::error("ERR syntax error")) == "-ERR syntax error\r\n");
  CHECK(encode(RespValue::integer(5)) == ":5\r\n");
  CHECK(encode(RespValue::integer(INT64_MIN)) == ":-9223372036854775808\r\n");
  CHECK(encode(RespValue::bulk("v1")) == "$2\r\nv1\r\n");
  CHECK(encode(RespValue::bulk("")) == "$0\r\n\r\n");
  CHECK(encode(RespValue::null_bulk()) == "$-1\r\n");
  CHECK(encode(RespValue::array({})) == "*0\r\n");
  CHECK(encode(RespValue::null_array()) == "*-1\r\n");
  CHECK(encode(RespValue::array({RespValue::bulk("a"), RespValue::array({RespValue::integer(1)}),
                                 RespValue::null_bulk()})) ==
        "*3\r\n$1\r\na\r\n*1\r\n:1\r\n$-1\r\n");
}

TEST_CASE("request parser: pipelined commands come one per call, consuming exactly their bytes") {
  model::RequestParser parser;
  Argv argv;
  std::string stream = "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n";
  auto first = parser.parse(stream, argv);
  CHECK(first.status == ParseStatus::kDone);
  CHECK(first.consumed == 14);
  CHECK(argv == Argv{"PING"});
  auto second = parser.parse(std::string_view(stream).substr(14), argv);
  CHECK(second.status == ParseStatus::kDone);
  CHECK(second.consumed == stream.size() - 14);
  CHECK(argv == Argv{"ECHO", "hi"});
  CHECK(parser.parse("", argv).status == ParseStatus::kNeedMore);
}

TEST_CASE("request parser: a stream split at every byte position gives the same commands") {
  REQUIRE(parse_requests(kMixedRequests) == kMixedCommands);
  for (size_t cut = 0; cut <= kMixedRequests.size(); ++cut) {
    model::RequestParser parser;
    CAPTURE(cut);
    CHECK(feed<Argv>(parser, kMixedRequests, {cut, kMixedRequests.size()}) == kMixedCommands);
  }
  std::vector<size_t> every_byte;
  for (size_t i = 1; i <= kMixedRequests.size(); ++i) every_byte.push_back(i);
  model::RequestParser parser;
  CHECK(feed<Argv>(parser, kMixedRequests, every_byte) == kMixedCommands);
}

TEST_CASE("request parser: empty commands are skipped; an empty line is a replica keepalive") {
  model::RequestParser parser;
  Argv argv;
  std::string stream = "*0\r\n*-1\r\n*-5\r\n  \t\n\r\n\nPING\r\n";  // observed: one +PONG
  auto result = parser.parse(stream, argv);
  CHECK(result.status == ParseStatus::kDone);
  CHECK(result.consumed == stream.size());
  CHECK(argv == Argv{"PING"});
  CHECK(parser.saw_empty_line());
  CHECK(parser.parse("  \n", argv).status == ParseStatus::kNeedMore);
  CHECK_FALSE(parser.saw_empty_line());  // blanks are not an empty line
}

TEST_CASE("request parser: like Redis, the 2 bytes after a count or payload go unchecked") {
  // observed: each of these answers +PONG
  CHECK(parse_requests("*1\r\n$4\r\nPINGxx") == std::vector<Argv>{{"PING"}});
  CHECK(parse_requests("*1\rX$4\r\nPING\r\n") == std::vector<Argv>{{"PING"}});
  CHECK(parse_requests("*1\r\n$4\rXPING\r\n") == std::vector<Argv>{{"PING"}});
}

TEST_CASE("request parser: a NUL before the line end leaves Redis waiting for more") {
  // observed: no answer (strchr stops at the NUL)
  std::string unread;
  CHECK(parse_requests(std::string("PING\0\r\n", 7), &unread).empty());
  CHECK(unread.size() == 7);
  CHECK(parse_requests(std::string("*1\r\n$\0\r\n", 8), &unread).empty());
  CHECK(unread.size() == 4);
}

TEST_CASE("request parser: argv keeps its strings' storage from one command to the next") {
  model::RequestParser parser;
  Argv argv;
  std::string stream;
  model::append_command(stream, {"SET", std::string(100, 'a'), std::string(200, 'b')});
  model::append_command(stream, {"GET", std::string(50, 'c')});
  auto first = parser.parse(stream, argv);
  const char* key_storage = argv[1].data();
  parser.parse(std::string_view(stream).substr(first.consumed), argv);
  CHECK(argv == Argv{"GET", std::string(50, 'c')});
  CHECK(argv[1].data() == key_storage);
}

namespace {

struct ErrorCase {
  std::string input;
  std::string message;  // the reply is "ERR Protocol error: <message>"
  std::string_view reason;
};

// observed: each input answered with -ERR Protocol error: <message>, then the connection closed.
const std::vector<ErrorCase> kErrorCases = {
    {"*x\r\n", "invalid multibulk length", "invalid mbulk count"},
    {"*\r\n", "invalid multibulk length", "invalid mbulk count"},
    {"*-0\r\n", "invalid multibulk length", "invalid mbulk count"},
    {"*01\r\n", "invalid multibulk length", "invalid mbulk count"},
    {"*+1\r\n", "invalid multibulk length", "invalid mbulk count"},
    {"*2147483648\r\n", "invalid multibulk length", "invalid mbulk count"},
    {"*1\r\nx4\r\n", "expected '$', got 'x'", "expected $ but got something else"},
    {"*1\r\n\r\n", "expected '$', got ' '", "expected $ but got something else"},
    {"*1\r\n$x\r\n", "invalid bulk length", "invalid bulk length"},
    {"*1\r\n$-1\r\n", "invalid bulk length", "invalid bulk length"},
    {"*1\r\n$-0\r\n", "invalid bulk length", "invalid bulk length"},
    {"*1\r\n$\r\n", "invalid bulk length", "invalid bulk length"},
    {"*1\r\n$ 4\r\n", "invalid bulk length", "invalid bulk length"},
    {"*1\r\n$536870913\r\n", "invalid bulk length", "invalid bulk length"},
    {"*1\r\n$99999999999999999999\r\n", "invalid bulk length", "invalid bulk length"},
    {std::string(65537, 'A'), "too big inline request", "too big inline request"},
    {"*" + std::string(65536, '1'), "too big mbulk count string", "too big mbulk count string"},
    {"*1\r\n$" + std::string(65536, '1'), "too big bulk count string",
     "too big bulk count string"},
    {"ECHO \"abc\n", "unbalanced quotes in request", "unbalanced quotes in inline request"},
    {"ECHO \"abc\"d\n", "unbalanced quotes in request", "unbalanced quotes in inline request"},
    {"ECHO 'abc'd\n", "unbalanced quotes in request", "unbalanced quotes in inline request"},
    {"ECHO a\"b c\"d\n", "unbalanced quotes in request", "unbalanced quotes in inline request"},
};

}  // namespace

TEST_CASE("request parser: every protocol error has Redis's reply, once its line is complete") {
  for (const ErrorCase& c : kErrorCases) {
    CAPTURE(c.message);
    model::RequestParser parser;
    Argv argv;
    auto result = parser.parse(c.input, argv);
    CHECK(result.status == ParseStatus::kError);
    CHECK(parser.error().reply == "ERR Protocol error: " + c.message);
    CHECK(parser.error().reason == c.reason);
    // No prefix is an error yet (checked for the short inputs, and the longest prefix).
    size_t first_cut = c.input.size() < 100 ? 0 : c.input.size() - 1;
    for (size_t cut = first_cut; cut < c.input.size(); ++cut) {
      model::RequestParser fresh;
      CHECK(fresh.parse(std::string_view(c.input).substr(0, cut), argv).status ==
            ParseStatus::kNeedMore);
    }
  }
}

TEST_CASE("request parser: 65536 unread bytes without a line end are still waited for") {
  // observed: no answer for each of these
  CHECK(parse_requests(std::string(65536, 'A')).empty());
  CHECK(parse_requests("*" + std::string(65535, '1')).empty());
  CHECK(parse_requests("*1\r\n$" + std::string(65535, '1')).empty());
  CHECK(parse_requests("*2147483647\r\n").empty());
  CHECK(parse_requests("*1\r\n$536870912\r\n").empty());
}

TEST_CASE("request parser: before AUTH, at most 10 arguments of at most 16384 bytes") {
  model::RequestParser parser({.auth_required = true});
  Argv argv;
  CHECK(parser.parse("*10\r\n$16384\r\n", argv).status == ParseStatus::kNeedMore);
  model::RequestParser many({.auth_required = true});
  CHECK(many.parse("*11\r\n", argv).status == ParseStatus::kError);  // observed
  CHECK(many.error().reply == "ERR Protocol error: unauthenticated multibulk length");
  model::RequestParser big({.auth_required = true});
  CHECK(big.parse("*1\r\n$16385\r\n", argv).status == ParseStatus::kError);  // observed
  CHECK(big.error().reply == "ERR Protocol error: unauthenticated bulk length");
  big.reset();
  big.set_limits({});
  CHECK(big.parse("*11\r\n$16385\r\n", argv).status == ParseStatus::kNeedMore);
}

TEST_CASE("request parser: proto-max-bulk-len applies to clients but not to the master link") {
  Argv argv;
  model::RequestParser client({.proto_max_bulk_len = 1024 * 1024});
  CHECK(client.parse("*1\r\n$1048577\r\n", argv).status == ParseStatus::kError);
  model::RequestParser master({.proto_max_bulk_len = 1024 * 1024, .from_master = true});
  CHECK(master.parse("*1\r\n$1048577\r\n", argv).status == ParseStatus::kNeedMore);
}

TEST_CASE("request parser: an inline command from the master is a desync, closed silently") {
  model::RequestParser parser({.from_master = true});
  Argv argv;
  CHECK(parser.parse("\n*1\r\n$4\r\nPING\r\n", argv).status == ParseStatus::kDone);
  CHECK(parser.parse("PING\r\n", argv).status == ParseStatus::kError);
  CHECK(parser.error().reply.empty());
  CHECK(parser.error().reason == "Master using the inline protocol. Desync?");
}

TEST_CASE("inline commands split like sdssplitargs") {
  struct Case {
    std::string line;
    Argv args;
  };
  const std::vector<Case> cases = {
      // observed: ECHO with these arguments answered as the args below imply
      {"  ECHO   \"a b\\x41\\n\"  'c\\'d' ", {"ECHO", "a bA\n", "c'd"}},
      {"ECHO \"\\q\\x4g\"", {"ECHO", "qx4g"}},
      {"ECHO 'a\\nb'", {"ECHO", "a\\nb"}},
      {"ECHO \"a\"\v", {"ECHO", "a"}},  // \v is a blank after a quote...
      {"ECHO a\vb", {"ECHO", "a\vb"}},  // ...but not inside a token
      {"ECHO a\rb", {"ECHO", "a", "b"}},
      {"\vPING", {"PING"}},
      {"ECHO \"\"", {"ECHO", ""}},
      {"ECHO ''", {"ECHO", ""}},
      {"SET a\"b c\" 'x y'", {"SET", "ab c", "x y"}},
      {"", {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.line);
    Argv args = {"stale"};
    CHECK(model::split_args(c.line, args));
    CHECK(args == c.args);
    CHECK(parse_requests(c.line + "\r\n") == (c.args.empty() ? std::vector<Argv>{}
                                                             : std::vector<Argv>{c.args}));
  }
  Argv args;
  CHECK_FALSE(model::split_args("\"abc\\", args));
  CHECK(model::split_args(std::string_view("a b\0c d", 7), args));  // NUL ends the C string
  CHECK(args == Argv{"a", "b"});
}

TEST_CASE("reply parser: every RESP2 kind, nested arrays included") {
  std::string wire =
      "+OK\r\n-ERR no\r\n:-7\r\n$2\r\nv1\r\n$0\r\n\r\n$-1\r\n*0\r\n*-1\r\n"
      "*3\r\n*2\r\n$1\r\na\r\n*-1\r\n*0\r\n:1\r\n";
  std::vector<RespValue> expected = {
      RespValue::ok(), RespValue::error("ERR no"), RespValue::integer(-7), RespValue::bulk("v1"),
      RespValue::bulk(""), RespValue::null_bulk(), RespValue::array({}), RespValue::null_array(),
      RespValue::array({RespValue::array({RespValue::bulk("a"), RespValue::null_array()}),
                        RespValue::array({}), RespValue::integer(1)})};
  CHECK(feed_replies(wire, {wire.size()}) == expected);
  for (size_t cut = 0; cut <= wire.size(); ++cut) {
    CAPTURE(cut);
    CHECK(feed_replies(wire, {cut, wire.size()}) == expected);
  }
}

TEST_CASE("reply parser: malformed replies fail with hiredis's messages") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"?x\r\n", "Protocol error, got \"?\" as reply type byte"},
      {"\r", "Protocol error, got \"\\r\" as reply type byte"},
      {"\x01", "Protocol error, got \"\\x01\" as reply type byte"},
      {"+a\rb\r\n", "Bad simple string value"},
      {":1x\r\n", "Bad integer value"},
      {"$x\r\n", "Bad bulk string length"},
      {"$-2\r\n", "Bulk string length out of range"},
      {"*01\r\n", "Bad multi-bulk length"},
      {"*4294967296\r\n", "Multi-bulk length out of range"},
      {"*2\r\n:1\r\n!\r\n", "Protocol error, got \"!\" as reply type byte"},
  };
  for (const auto& [wire, message] : cases) {
    model::ReplyParser parser;
    RespValue reply;
    CHECK(parser.parse(wire, reply).status == ParseStatus::kError);
    CHECK(parser.error() == message);
  }
}

TEST_CASE("reply parser: a parser moved mid-reply finishes it") {
  model::ReplyParser parser;
  RespValue reply;
  std::string wire = "*2\r\n*1\r\n:1\r\n:2\r\n";
  auto first = parser.parse(std::string_view(wire).substr(0, 10), reply);
  REQUIRE(first.status == ParseStatus::kNeedMore);
  model::ReplyParser moved = std::move(parser);
  auto rest = moved.parse(std::string_view(wire).substr(first.consumed), reply);
  CHECK(rest.status == ParseStatus::kDone);
  CHECK(reply == RespValue::array({RespValue::array({RespValue::integer(1)}),
                                   RespValue::integer(2)}));
}

namespace {

// Bytes that stress the parsers: line ends, NULs, type bytes, quotes, and anything else.
rc::Gen<std::string> gen_bytes() {
  return rc::gen::container<std::string>(rc::gen::oneOf(
      rc::gen::elementOf(std::string("\r\n\0*$+-:\"' ", 11)), rc::gen::arbitrary<char>()));
}

// A status or error text: any bytes but line ends.
rc::Gen<std::string> gen_line() {
  return rc::gen::container<std::string>(
      rc::gen::suchThat(rc::gen::arbitrary<char>(), [](char c) { return c != '\r' && c != '\n'; }));
}

// A draw from [min, max) over the whole range: rapidcheck's inRange scales with the test size.
template <typename T>
T uniform(T min, T max) {
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(min, max));
}

RespValue random_value(int depth);

RespValue random_array(int depth) {
  std::vector<RespValue> items(uniform<size_t>(0, 6));
  for (RespValue& item : items) item = random_value(depth - 1);
  return RespValue::array(std::move(items));
}

RespValue random_value(int depth) {
  switch (uniform(0, depth > 0 ? 7 : 6)) {
    case 0: return RespValue::status(*gen_line());
    case 1: return RespValue::error(*gen_line());
    case 2: return RespValue::integer(*rc::gen::arbitrary<int64_t>());
    case 3: return RespValue::bulk(*gen_bytes());
    case 4: return RespValue::null_bulk();
    case 5: return RespValue::null_array();
    default: return random_array(depth);
  }
}

// Cut points splitting `size` bytes into random chunks of 1..40 bytes, ending at `size`.
std::vector<size_t> random_cuts(size_t size) {
  std::vector<size_t> cuts;
  for (size_t at = 0; at < size;) {
    at = std::min(size, at + uniform<size_t>(1, 41));
    cuts.push_back(at);
  }
  cuts.push_back(size);
  return cuts;
}

}  // namespace

TEST_CASE("property: commands encode to their exact size and parse back in any chunking") {
  CHECK(rc::check("append_command then RequestParser is the identity", [] {
    auto gen_argv = rc::gen::nonEmpty(rc::gen::container<Argv>(gen_bytes()));
    auto commands = *rc::gen::resize(20, rc::gen::container<std::vector<Argv>>(gen_argv));
    std::string stream;
    size_t size = 0;
    for (const Argv& argv : commands) {
      model::append_command(stream, argv);
      size += model::encoded_command_size(argv);
    }
    RC_ASSERT(stream.size() == size);
    model::RequestParser at_once;
    RC_ASSERT(feed<Argv>(at_once, stream, {stream.size()}) == commands);
    model::RequestParser chunked;
    RC_ASSERT(feed<Argv>(chunked, stream, random_cuts(stream.size())) == commands);
  }));
}

TEST_CASE("property: replies encode and parse back in any chunking") {
  CHECK(rc::check("append_reply then ReplyParser is the identity", [] {
    std::vector<RespValue> replies(uniform<size_t>(0, 3));
    for (RespValue& reply : replies) reply = random_value(3);
    replies.push_back(random_array(4));
    std::string stream;
    for (const RespValue& reply : replies) model::append_reply(stream, reply);
    RC_ASSERT(feed_replies(stream, {stream.size()}) == replies);
    RC_ASSERT(feed_replies(stream, random_cuts(stream.size())) == replies);
  }));
}

TEST_CASE("property: arguments quoted like sdscatrepr split back into themselves") {
  CHECK(rc::check("append_repr then split_args is the identity", [] {
    auto args = *rc::gen::container<Argv>(gen_bytes());
    std::string line = " ";
    for (const std::string& arg : args) {
      model::append_repr(line, arg);
      line += *rc::gen::element<std::string>(" ", "\t", "  ");
    }
    Argv split = {"stale"};
    RC_ASSERT(model::split_args(line, split));
    RC_ASSERT(split == args);
  }));
}
