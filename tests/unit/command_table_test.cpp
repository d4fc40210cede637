// The command table and processCommand's lookup errors. Every expected error text was
// captured from redis-server 7.0.15 (and redis-server --sentinel 7.0.15) by sending the
// command over a raw socket and reading the reply bytes; arities and flags come from 7.0.15's
// src/commands/*.json.
#include "model/command_table.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using model::CommandId;
using model::CommandTableMode;
using namespace model::command_flags;

namespace {

using Argv = std::vector<std::string>;

std::string check_error(const Argv& argv, CommandTableMode mode = CommandTableMode::kServer) {
  return model::check_command(argv, mode).error;
}

}  // namespace

TEST_CASE("command table: lookups ignore case and find every command by its id") {
  const model::CommandSpec* get = model::find_command("GeT");
  REQUIRE(get != nullptr);
  CHECK(get->id == CommandId::kGet);
  CHECK(get->arity == 2);
  CHECK(get->has(kReadonly));
  CHECK(get->has(kFast));
  CHECK_FALSE(get->has(kWrite));
  CHECK(model::find_command(std::string("get\0", 4)) == nullptr);  // a NUL never matches
  CHECK(model::find_command("nosuch") == nullptr);
  for (int i = 0; i < static_cast<int>(CommandId::kCount_); ++i) {
    const auto id = static_cast<CommandId>(i);
    CHECK(model::command_spec(id).id == id);
  }
}

TEST_CASE("command table: flags that gate processing are Redis 7.0's") {
  using model::command_spec;
  CHECK(command_spec(CommandId::kSet).has(kWrite));
  CHECK(command_spec(CommandId::kSet).has(kDenyoom));
  CHECK(command_spec(CommandId::kDel).has(kWrite));
  CHECK(command_spec(CommandId::kFlushall).has(kWrite));
  // -MASTERDOWN spares these (stale) and -LOADING spares these (loading).
  for (CommandId id : {CommandId::kInfo, CommandId::kRole, CommandId::kReplicaof,
                       CommandId::kSlaveof, CommandId::kPublish, CommandId::kMulti,
                       CommandId::kExec, CommandId::kReplconf, CommandId::kSelect}) {
    CAPTURE(command_spec(id).name);
    CHECK(command_spec(id).has(kStale));
  }
  for (CommandId id : {CommandId::kPing, CommandId::kGet, CommandId::kSet}) {
    CAPTURE(command_spec(id).name);
    CHECK_FALSE(command_spec(id).has(kStale));
    CHECK_FALSE(command_spec(id).has(kLoading));
  }
  CHECK_FALSE(command_spec(CommandId::kReplicaof).has(kLoading));
  CHECK(command_spec(CommandId::kInfo).has(kLoading));
  CHECK(command_spec(CommandId::kPublish).has(kMayReplicate));
  CHECK(command_spec(CommandId::kDebug).has(kProtected));
  CHECK(command_spec(CommandId::kPsync).has(kNoMulti));
  CHECK(command_spec(CommandId::kShutdown).has(kNoMulti));
  CHECK(command_spec(CommandId::kAuth).has(kNoAuth));
}

TEST_CASE("command table: container commands pick a subcommand only when there is an argv[1]") {
  const model::CommandSpec* config = model::lookup_command(Argv{"config"});
  REQUIRE(config != nullptr);
  CHECK(config->id == CommandId::kConfig);
  CHECK(config->is_container());
  const model::CommandSpec* get = model::lookup_command(Argv{"CONFIG", "GeT", "maxmemory"});
  REQUIRE(get != nullptr);
  CHECK(get->id == CommandId::kConfigGet);
  CHECK(get->fullname == "config|get");
  CHECK(get->arity == -3);
  CHECK(model::lookup_command(Argv{"config", "nosuch"}) == nullptr);
  CHECK(model::lookup_command(Argv{"client", "setname", "x"})->id == CommandId::kClientSetname);
  CHECK(model::lookup_command(Argv{"client", "kill", "x"})->id == CommandId::kClientKill);
  CHECK(model::lookup_command(Argv{"command", "count"})->id == CommandId::kCommandCount);
  // DEBUG is not a container in 7.0: its subcommands are its arguments.
  CHECK(model::lookup_command(Argv{"debug", "sleep", "0"})->id == CommandId::kDebug);
}

TEST_CASE("command table: unknown command errors quote the first 128 bytes of arguments") {
  CHECK(check_error({"foo", "a", "b"}) ==
        "ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
  CHECK(check_error({"foo"}) == "ERR unknown command 'foo', with args beginning with: ");
  const std::string a150(150, 'a');
  CHECK(check_error({"foo", a150, "b", "c"}) ==
        "ERR unknown command 'foo', with args beginning with: '" + std::string(128, 'a') +
            "' ");
  const std::string a121(121, 'a');
  CHECK(check_error({"foo", a121, "bbbbbb", "c"}) ==
        "ERR unknown command 'foo', with args beginning with: '" + a121 + "' 'bbbb' ");
  // CR / LF become spaces; a NUL ends an argument, and the name, as C's %s does.
  CHECK(check_error({"foo", "a\r\nb", std::string("c\0d", 3)}) ==
        "ERR unknown command 'foo', with args beginning with: 'a  b' 'c' ");
  CHECK(check_error({std::string("fo\0o", 4), "x"}) ==
        "ERR unknown command 'fo', with args beginning with: 'x' ");
  CHECK(check_error({std::string(200, 'z')}) ==
        "ERR unknown command '" + std::string(128, 'z') + "', with args beginning with: ");
}

TEST_CASE("command table: unknown subcommands name the container as typed, upper-cased") {
  CHECK(check_error({"config", "foo"}) == "ERR unknown subcommand 'foo'. Try CONFIG HELP.");
  CHECK(check_error({"CONFIG", "HELLO"}) == "ERR unknown subcommand 'HELLO'. Try CONFIG HELP.");
  CHECK(check_error({"config", std::string("x\0y", 3)}) ==
        "ERR unknown subcommand 'x'. Try CONFIG HELP.");
  CHECK(check_error({"client", "foo"}) == "ERR unknown subcommand 'foo'. Try CLIENT HELP.");
  CHECK(model::subcommand_syntax_error("client", "kill") ==
        "ERR unknown subcommand or wrong number of arguments for 'kill'. Try CLIENT HELP.");
}

TEST_CASE("command table: wrong arity names the command, or container|subcommand") {
  CHECK(check_error({"get"}) == "ERR wrong number of arguments for 'get' command");
  CHECK(check_error({"GET", "a", "b"}) == "ERR wrong number of arguments for 'get' command");
  CHECK(check_error({"config"}) == "ERR wrong number of arguments for 'config' command");
  CHECK(check_error({"config", "get"}) ==
        "ERR wrong number of arguments for 'config|get' command");
  CHECK(check_error({"CoNfIg", "GeT"}) ==
        "ERR wrong number of arguments for 'config|get' command");
  CHECK(check_error({"client"}) == "ERR wrong number of arguments for 'client' command");
  CHECK(check_error({"setex", "k", "10"}) == "ERR wrong number of arguments for 'setex' command");
  CHECK(check_error({"keys"}) == "ERR wrong number of arguments for 'keys' command");
  CHECK(check_error({"keys", "*", "x"}) == "ERR wrong number of arguments for 'keys' command");
  CHECK(check_error({"dbsize", "x"}) == "ERR wrong number of arguments for 'dbsize' command");
  CHECK(check_error({"sadd", "s"}) == "ERR wrong number of arguments for 'sadd' command");
  CHECK(check_error({"rpush", "l"}) == "ERR wrong number of arguments for 'rpush' command");
  CHECK(check_error({"echo"}) == "ERR wrong number of arguments for 'echo' command");
  CHECK(check_error({"expire", "k"}) == "ERR wrong number of arguments for 'expire' command");
  CHECK(model::check_command(Argv{"set", "k", "v", "nx"}).ok());
  CHECK(model::check_command(Argv{"ping", "a", "b"}).ok());  // PING checks 2+ args itself
}

TEST_CASE("command table: a plain server has no SENTINEL command, Sentinel only its own") {
  CHECK(check_error({"sentinel", "masters"}) ==
        "ERR unknown command 'sentinel', with args beginning with: 'masters' ");
  const auto sentinel = CommandTableMode::kSentinel;
  CHECK(check_error({"config", "get", "x"}, sentinel) ==
        "ERR unknown command 'config', with args beginning with: 'get' 'x' ");
  CHECK(check_error({"get", "k"}, sentinel) ==
        "ERR unknown command 'get', with args beginning with: 'k' ");
  CHECK(check_error({"sentinel", "foo"}, sentinel) ==
        "ERR unknown subcommand 'foo'. Try SENTINEL HELP.");
  CHECK(check_error({"sentinel"}, sentinel) ==
        "ERR wrong number of arguments for 'sentinel' command");
  CHECK(check_error({"sentinel", "masters", "x"}, sentinel) ==
        "ERR wrong number of arguments for 'sentinel|masters' command");
  CHECK(check_error({"SENTINEL", "HELP", "x"}, sentinel) ==
        "ERR wrong number of arguments for 'sentinel|help' command");
  CHECK(check_error({"client", "foo"}, sentinel) ==
        "ERR unknown subcommand 'foo'. Try CLIENT HELP.");
  CHECK(model::check_command(Argv{"ping"}, sentinel).ok());
  CHECK(model::check_command(Argv{"sentinel", "get-master-addr-by-name", "m"}, sentinel).ok());
  CHECK(model::check_command(Argv{"info", "x", "y", "z"}, sentinel).ok());
}

TEST_CASE("command table: COMMAND COUNT and the DEBUG refusal read as in 7.0.15") {
  CHECK(model::reported_command_count(CommandTableMode::kServer) == 240);
  CHECK(model::reported_command_count(CommandTableMode::kSentinel) == 15);
  CHECK(model::debug_not_allowed_error() ==
        "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
        "you can run it from a local connection, otherwise you need to set this option in the "
        "configuration file, and then restart the server.");
}
