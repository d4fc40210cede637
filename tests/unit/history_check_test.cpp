// The history checker on hand-made histories: which acknowledged writes the final data lacks,
// which failed writes it holds, the windows without an acknowledgement, and stale reads.
#include <doctest/doctest.h>

#include "keyspace_harness.h"
#include "model/history_check.h"

namespace {

using model::Operation;
using Result = model::Outcome::Result;

sim::Time ms(int64_t n) { return sim::kTimeZero + sim::Duration::millis(n); }

Operation write(uint64_t seq, std::string key, int64_t from_ms, int64_t to_ms, Result result,
                int64_t number = 0) {
  Operation op;
  op.kind = Operation::Kind::kWrite;
  op.seq = seq;
  op.key = std::move(key);
  op.invoked = ms(from_ms);
  op.completed = ms(to_ms);
  op.result = result;
  op.number = number;
  op.server = sim::Address{"127.0.0.1", 6379};
  if (result != Result::kOk) op.error = "TimeoutError: Timeout reading from socket";
  return op;
}

Operation read(int64_t expected, int64_t got, int64_t at_ms) {
  Operation op;
  op.kind = Operation::Kind::kRead;
  op.key = "c:1";
  op.invoked = ms(at_ms);
  op.completed = ms(at_ms + 1);
  op.expected = expected;
  op.number = got;
  return op;
}

model::History history_of(model::WriteCommand command, std::vector<Operation> ops) {
  model::History h;
  h.clients.push_back({"c", command});
  h.ops = std::move(ops);
  return h;
}

}  // namespace

TEST_CASE("history check: SET writes lost, failed but applied, and overwritten by newer ones") {
  keyspace_test::Harness data;
  data.run("SET c:1 1");
  data.run("SET c:3 3");   // a timed-out write that was applied
  data.run("SET c:0 6");   // keys cycle: seq 6 overwrote seq 4 on key 0 legitimately
  model::History h = history_of(
      model::WriteCommand::kSet,
      {write(1, "c:1", 0, 1, Result::kOk), write(2, "c:2", 5, 6, Result::kOk),
       write(3, "c:3", 10, 210, Result::kTimeout), write(4, "c:0", 215, 216, Result::kOk),
       write(5, "c:5", 220, 221, Result::kOk), write(6, "c:0", 225, 226, Result::kError)});
  model::HistoryReport r = model::check_history(h, &data.ks, "master");
  REQUIRE(r.clients.size() == 1);
  const model::ClientReport& c = r.clients[0];
  CHECK(c.writes == 6);
  CHECK(c.acked == 4);
  CHECK(c.lost == std::vector<size_t>{1, 4});  // seq 2 and 5: their keys are missing
  CHECK(c.lost_by_server.at("127.0.0.1:6379") == 2);
  CHECK(c.failed_but_applied == std::vector<size_t>{2, 5});
  CHECK(c.errors.at("TimeoutError") == 2);
  CHECK(r.lost() == 2);
  // Acks at 1, 6, 216, 221: the longest window is 6 -> 216, and it held a failed write; the
  // failed write after the last ack leaves an open window 221 -> 226.
  REQUIRE(c.longest_no_ack);
  CHECK(c.longest_no_ack->from == ms(6));
  CHECK(c.longest_no_ack->to == ms(216));
  CHECK_FALSE(c.longest_no_ack->open);
  CHECK(c.unavailable == sim::Duration::millis(210 + 5));
}

TEST_CASE("history check: INCR by the reply's value, SADD by member") {
  keyspace_test::Harness data;
  data.run("SET c:0 2");
  model::History incr = history_of(
      model::WriteCommand::kIncr,
      {write(1, "c:0", 0, 1, Result::kOk, 1), write(2, "c:0", 5, 6, Result::kOk, 2),
       write(3, "c:0", 10, 11, Result::kOk, 3)});
  model::HistoryReport r = model::check_history(incr, &data.ks, "master");
  CHECK(r.clients[0].lost == std::vector<size_t>{2});  // the counter stopped at 2

  keyspace_test::Harness sets;
  sets.run("SADD c:0 1 3");
  model::History sadd = history_of(
      model::WriteCommand::kSadd,
      {write(1, "c:0", 0, 1, Result::kOk), write(2, "c:0", 5, 6, Result::kOk),
       write(3, "c:0", 10, 11, Result::kUnknown)});
  r = model::check_history(sadd, &sets.ks, "master");
  CHECK(r.clients[0].lost == std::vector<size_t>{1});
  CHECK(r.clients[0].failed_but_applied == std::vector<size_t>{2});
}

TEST_CASE("history check: stale reads, and no final data means losses unknown") {
  model::History h = history_of(
      model::WriteCommand::kSet,
      {write(1, "c:1", 0, 1, Result::kOk), read(1, 1, 2), read(1, -1, 4), read(0, -1, 6)});
  model::HistoryReport r = model::check_history(h, nullptr, "master");
  CHECK_FALSE(r.final_master);
  const model::ClientReport& c = r.clients[0];
  CHECK(c.reads == 3);
  CHECK(c.stale_reads == std::vector<size_t>{2});  // nil where seq 1 had been acknowledged
  CHECK(c.lost.empty());
  CHECK(r.stale_reads() == 1);
}
