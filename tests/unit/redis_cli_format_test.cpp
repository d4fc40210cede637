// redis-cli's terminal output. Each case pairs the reply bytes redis-server 7.0.15 sent for a
// command (read from a raw socket) with what redis-cli 7.0.15 printed for the same command on a
// pseudo-terminal (`script -qc "stty -onlcr; redis-cli -p 17001 ..."`, so "\n" is redis-cli's
// own newline, not the terminal's "\r\n"). Both were captured from the same server state.
#include "tools/redis_cli_format.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using model::RespValue;
using namespace std::string_literals;

namespace {

struct Capture {
  std::vector<std::string> argv;
  std::string wire;    // what redis-server sent
  std::string output;  // what redis-cli printed
};

RespValue parse_reply(std::string_view wire) {
  model::ReplyParser parser;
  RespValue reply;
  auto result = parser.parse(wire, reply);
  REQUIRE(result.status == model::ParseStatus::kDone);
  REQUIRE(result.consumed == wire.size());
  return reply;
}

void check_captures(const std::vector<Capture>& captures) {
  for (const Capture& c : captures) {
    CAPTURE(c.argv[0]);
    CAPTURE(c.output);
    CHECK(tools::format_cli_output(c.argv, parse_reply(c.wire)) == c.output);
  }
}

}  // namespace

TEST_CASE("redis-cli prints scalars: status bare, errors and integers tagged, strings quoted") {
  check_captures({
      {{"set", "k", "v"}, "+OK\r\n", "OK\n"},
      {{"ping"}, "+PONG\r\n", "PONG\n"},
      {{"foo"}, "-ERR unknown command 'foo', with args beginning with: \r\n",
       "(error) ERR unknown command 'foo', with args beginning with: \n"},
      {{"incrby", "cnt", "0"}, ":-9\r\n", "(integer) -9\n"},
      {{"get", "nope"}, "$-1\r\n", "(nil)\n"},
      {{"get", "e"}, "$0\r\n\r\n", "\"\"\n"},
      {{"get", "s"}, "$16\r\na\nb\r\t\x07\x08\"\\ \x01\x7f\xc3\xa9 z\r\n",
       R"("a\nb\r\t\a\b\"\\ \x01\x7f\xc3\xa9 z")"s + "\n"},
  });
}

TEST_CASE("redis-cli numbers list items, right-aligning the numbers once there are 10+") {
  check_captures({
      {{"lrange", "l", "0", "8"},
       "*9\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"
       "$1\r\nh\r\n$1\r\ni\r\n",
       "1) \"a\"\n2) \"b\"\n3) \"c\"\n4) \"d\"\n5) \"e\"\n6) \"f\"\n7) \"g\"\n8) \"h\"\n"
       "9) \"i\"\n"},
      {{"lrange", "l", "0", "-1"},
       "*11\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"
       "$1\r\nh\r\n$1\r\ni\r\n$1\r\nj\r\n$1\r\nk\r\n",
       " 1) \"a\"\n 2) \"b\"\n 3) \"c\"\n 4) \"d\"\n 5) \"e\"\n 6) \"f\"\n 7) \"g\"\n 8) \"h\"\n"
       " 9) \"i\"\n10) \"j\"\n11) \"k\"\n"},
      {{"lrange", "nolist", "0", "-1"}, "*0\r\n", "(empty array)\n"},
  });
}

TEST_CASE("redis-cli continues a nested array on its parent's line and indents the rest") {
  check_captures({
      {{"eval", "return {1,'a',{'b',{'c','d'},{}},false,{err='boom'},{ok='fine'}}", "0"},
       "*6\r\n:1\r\n$1\r\na\r\n*3\r\n$1\r\nb\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n*0\r\n$-1\r\n"
       "-boom\r\n+fine\r\n",
       "1) (integer) 1\n2) \"a\"\n3) 1) \"b\"\n   2) 1) \"c\"\n      2) \"d\"\n"
       "   3) (empty array)\n4) (nil)\n5) (error) boom\n6) fine\n"},
      {{"eval", "return {{'a','b'},{'c'},{{'d'}},{{'e','f'}}}", "0"},
       "*4\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*1\r\n$1\r\nc\r\n*1\r\n*1\r\n$1\r\nd\r\n*1\r\n*2\r\n"
       "$1\r\ne\r\n$1\r\nf\r\n",
       "1) 1) \"a\"\n   2) \"b\"\n2) 1) \"c\"\n3) 1) 1) \"d\"\n4) 1) 1) \"e\"\n      2) \"f\"\n"},
      {{"eval", "return {{1,2,3,4,5,6,7,8,9,10},'x',{'y',{1,2,3,4,5,6,7,8,9,10,11}}}", "0"},
       "*3\r\n*10\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n:6\r\n:7\r\n:8\r\n:9\r\n:10\r\n$1\r\nx\r\n"
       "*2\r\n$1\r\ny\r\n*11\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n:6\r\n:7\r\n:8\r\n:9\r\n:10\r\n"
       ":11\r\n",
       "1)  1) (integer) 1\n    2) (integer) 2\n    3) (integer) 3\n    4) (integer) 4\n"
       "    5) (integer) 5\n    6) (integer) 6\n    7) (integer) 7\n    8) (integer) 8\n"
       "    9) (integer) 9\n   10) (integer) 10\n2) \"x\"\n3) 1) \"y\"\n"
       "   2)  1) (integer) 1\n       2) (integer) 2\n       3) (integer) 3\n"
       "       4) (integer) 4\n       5) (integer) 5\n       6) (integer) 6\n"
       "       7) (integer) 7\n       8) (integer) 8\n       9) (integer) 9\n"
       "      10) (integer) 10\n      11) (integer) 11\n"},
      {{"eval", "return {'', 'a\\0b', -9223372036854775808}", "0"},
       "*3\r\n$0\r\n\r\n$3\r\na\0b\r\n:-9223372036854775808\r\n"s,
       "1) \"\"\n2) \"a\\x00b\"\n3) (integer) -9223372036854775808\n"},
  });
}

TEST_CASE("redis-cli widens the indent of a 100-item nested list to its 3-digit numbers") {
  std::vector<RespValue> numbers;
  for (int64_t i = 1; i <= 100; ++i) numbers.push_back(RespValue::integer(i));
  std::string out = tools::format_reply_tty(RespValue::array({RespValue::array(numbers)}));
  // captured: the first 40 and last 60 bytes of `eval "... return {t}" 0` with 100 numbers
  CHECK(out.substr(0, 40) == "1)   1) (integer) 1\n     2) (integer) 2\n");
  CHECK(out.substr(out.size() - 60) ==
        "98) (integer) 98\n    99) (integer) 99\n   100) (integer) 100\n");
}

TEST_CASE("redis-cli prints INFO, CLIENT LIST, CLUSTER INFO raw: no quotes, no (error)") {
  check_captures({
      {{"info", "replication"},
       "$349\r\n# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"
       "master_failover_state:no-failover\r\n"
       "master_replid:1fd9604e984769467f24d07079d04cdcd1dcdc5b\r\n"
       "master_replid2:0000000000000000000000000000000000000000\r\nmaster_repl_offset:0\r\n"
       "second_repl_offset:-1\r\nrepl_backlog_active:0\r\nrepl_backlog_size:1048576\r\n"
       "repl_backlog_first_byte_offset:0\r\nrepl_backlog_histlen:0\r\n\r\n",
       "# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"
       "master_failover_state:no-failover\r\n"
       "master_replid:1fd9604e984769467f24d07079d04cdcd1dcdc5b\r\n"
       "master_replid2:0000000000000000000000000000000000000000\r\nmaster_repl_offset:0\r\n"
       "second_repl_offset:-1\r\nrepl_backlog_active:0\r\nrepl_backlog_size:1048576\r\n"
       "repl_backlog_first_byte_offset:0\r\nrepl_backlog_histlen:0\r\n"},
      {{"INFO", "nosuchsection"}, "$0\r\n\r\n", ""},
      {{"client", "list", "id", "999999"}, "$0\r\n\r\n", ""},
      {{"client", "list", "type", "xyz"}, "-ERR Unknown client type 'xyz'\r\n",
       "ERR Unknown client type 'xyz'\n"},
      {{"cluster", "info"}, "-ERR This instance has cluster support disabled\r\n",
       "ERR This instance has cluster support disabled\n"},
      // Not in redis-cli's list, or with another argument count: the usual form.
      {{"client", "no-evict", "maybe"}, "-ERR syntax error\r\n", "(error) ERR syntax error\n"},
      {{"cluster", "info", "x"},
       "-ERR wrong number of arguments for 'cluster|info' command\r\n",
       "(error) ERR wrong number of arguments for 'cluster|info' command\n"},
  });
}

TEST_CASE("redis-cli's raw-output commands, as listed in cliSendCommand") {
  using Argv = std::vector<std::string>;
  for (const Argv& argv : {Argv{"INFO"}, Argv{"info", "sentinel"}, Argv{"LOLWUT"},
                           Argv{"client", "LIST"}, Argv{"client", "info"},
                           Argv{"cluster", "nodes"}, Argv{"memory", "doctor"},
                           Argv{"memory", "malloc-stats"}, Argv{"latency", "doctor"},
                           Argv{"latency", "graph", "command"}, Argv{"debug", "htstats", "0"},
                           Argv{"debug", "htstats-key", "k"}, Argv{"proxy", "info"}}) {
    CAPTURE(argv[0]);
    CHECK(tools::prints_raw(argv));
  }
  for (const Argv& argv : {Argv{}, Argv{"get", "info"}, Argv{"client"},
                           Argv{"cluster", "nodes", "x"}, Argv{"latency", "doctor", "x"},
                           Argv{"latency", "graph"}, Argv{"memory", "usage", "k"},
                           Argv{"sentinel", "masters"}}) {
    CHECK_FALSE(tools::prints_raw(argv));
  }
}

TEST_CASE("redis-cli prints status and error texts as C strings, and raw arrays line by line") {
  // From redis-cli.c (%s / sdscat), not captured: the server never sends a NUL in a status.
  CHECK(tools::format_reply_tty(RespValue::status(std::string("a\0b", 3))) == "a\n");
  CHECK(tools::format_reply_tty(RespValue::error(std::string("ERR a\0b", 7))) == "(error) ERR a\n");
  CHECK(tools::format_reply_raw(RespValue::array(
            {RespValue::bulk("a"), RespValue::integer(2), RespValue::null_bulk(),
             RespValue::array({RespValue::bulk("b"), RespValue::bulk("c")})})) ==
        "a\n2\n\nb\nc");
}
