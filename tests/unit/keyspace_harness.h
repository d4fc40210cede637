// A tiny server stand-in for keyspace tests: runs redis-cli style lines through the command
// table's checks and Keyspace::execute, and shows replies as RESP bytes and propagations as
// "[db] ARG ARG ..." lines.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/command_table.h"
#include "model/keyspace.h"
#include "model/resp.h"

namespace keyspace_test {

// 2026-01-01T00:00:00Z, the node's wall clock in the tests, unix ms.
inline constexpr int64_t kNowMs = 1'767'225'600'000;

inline std::string wire(const model::RespValue& reply) {
  std::string out;
  model::append_reply(out, reply);
  return out;
}

inline std::vector<std::string> lines(const model::PropagateList& list) {
  std::vector<std::string> out;
  for (const model::Propagation& p : list) {
    std::string line = "[" + std::to_string(p.db) + "]";
    for (const std::string& arg : p.argv) line += " " + arg;
    out.push_back(std::move(line));
  }
  return out;
}

struct Harness {
  explicit Harness(uint64_t order_seed = 1) : ks(order_seed) { ctx.now_ms = kNowMs; }

  // Runs one command line (sdssplitargs quoting, as redis-cli); returns the reply's bytes.
  std::string run(std::string_view line) {
    std::vector<std::string> argv;
    REQUIRE(model::split_args(line, argv));
    const model::CommandCheck check = model::check_command(argv);
    if (!check.ok()) {
      result = {};
      result.reply = model::RespValue::error(check.error);
    } else {
      REQUIRE(model::Keyspace::handles(check.spec->id));
      ks.execute(check.spec->id, argv, ctx, result);
    }
    return wire(result.reply);
  }
  std::vector<std::string> propagated() const { return lines(result.propagate); }

  model::Keyspace ks;
  model::ExecContext ctx;
  model::KeyspaceResult result;
};

// One request and the reply bytes real Redis gave.
struct Exchange {
  std::string_view line;
  std::string_view reply;
};

inline void play(Harness& h, std::initializer_list<Exchange> script) {
  for (const Exchange& e : script) {
    CAPTURE(e.line);
    CHECK(h.run(e.line) == e.reply);
  }
}

}  // namespace keyspace_test
