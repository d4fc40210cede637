// What the keyspace hands to replication, lazy and active expiry on masters and replicas, and
// whole-dataset snapshots. The propagated forms were read off redis-server 7.0.15's replication
// stream: a script registered as a replica (REPLCONF, PSYNC ? -1), skipped the RDB and printed
// the bytes each client command produced (active expiry off via DEBUG SET-ACTIVE-EXPIRE 0).
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <string>
#include <vector>

#include "sim/rng.h"
#include "tests/unit/keyspace_harness.h"

using keyspace_test::Harness;
using keyspace_test::kNowMs;
using Lines = std::vector<std::string>;

namespace {

std::string ms(int64_t offset) { return std::to_string(kNowMs + offset); }

// Runs `line` and returns what it propagated.
Lines propagation_of(Harness& h, std::string_view line) {
  h.run(line);
  return h.propagated();
}

}  // namespace

TEST_CASE("keyspace propagation: TTLs go out as absolute PXAT / PEXPIREAT") {
  Harness h;
  CHECK(propagation_of(h, "set a 1") == Lines{"[0] set a 1"});
  CHECK(propagation_of(h, "set b v ex 100") == Lines{"[0] SET b v PXAT " + ms(100'000)});
  CHECK(propagation_of(h, "set b v px 100 nx").empty());
  CHECK(propagation_of(h, "set b v exat 9999999999 xx get") ==
        Lines{"[0] SET b v PXAT 9999999999000"});
  CHECK(propagation_of(h, "set c v keepttl") == Lines{"[0] set c v keepttl"});
  CHECK(propagation_of(h, "set c v keepttl get") == Lines{"[0] set c v keepttl"});
  CHECK(propagation_of(h, "set c v2 get xx GET") == Lines{"[0] set c v2 xx"});
  CHECK(propagation_of(h, "setex d 100 v") == Lines{"[0] SET d v PXAT " + ms(100'000)});
  CHECK(propagation_of(h, "incrbyfloat f 1.5") == Lines{"[0] SET f 1.5 KEEPTTL"});
  CHECK(propagation_of(h, "expire a 100") == Lines{"[0] PEXPIREAT a " + ms(100'000)});
  CHECK(propagation_of(h, "expire a 100 nx").empty());
  CHECK(propagation_of(h, "expire a 200 GT") == Lines{"[0] PEXPIREAT a " + ms(200'000) + " GT"});
  CHECK(propagation_of(h, "pexpire a 100000") == Lines{"[0] PEXPIREAT a " + ms(100'000)});
  CHECK(propagation_of(h, "pexpireat a 99999999999999") ==
        Lines{"[0] pexpireat a 99999999999999"});
  CHECK(propagation_of(h, "expireat a 9999999999 xx") ==
        Lines{"[0] PEXPIREAT a 9999999999000 xx"});
  CHECK(propagation_of(h, "set e v") == Lines{"[0] set e v"});
  CHECK(propagation_of(h, "expire e -1") == Lines{"[0] DEL e"});
  CHECK(propagation_of(h, "set e v") == Lines{"[0] set e v"});
  CHECK(propagation_of(h, "pexpireat e 1") == Lines{"[0] DEL e"});
  CHECK(h.ks.peek(0, "e") == nullptr);
}

TEST_CASE("keyspace propagation: only commands that change the dataset go out") {
  Harness h;
  CHECK(propagation_of(h, "set a 2 nx") == Lines{"[0] set a 2 nx"});
  CHECK(propagation_of(h, "set a 2 nx").empty());
  CHECK(propagation_of(h, "del nosuch").empty());
  CHECK(propagation_of(h, "del a b nosuch") == Lines{"[0] del a b nosuch"});
  CHECK(propagation_of(h, "sadd s x") == Lines{"[0] sadd s x"});
  CHECK(propagation_of(h, "sadd s x").empty());
  CHECK(propagation_of(h, "sadd s x y z") == Lines{"[0] sadd s x y z"});
  CHECK(propagation_of(h, "lpush l a") == Lines{"[0] lpush l a"});
  CHECK(propagation_of(h, "rpush l b c") == Lines{"[0] rpush l b c"});
  CHECK(propagation_of(h, "incr n") == Lines{"[0] incr n"});
  CHECK(propagation_of(h, "expire nosuch 10").empty());
  CHECK(propagation_of(h, "get n").empty());
  CHECK(propagation_of(h, "select 3").empty());
  CHECK(propagation_of(h, "set k v") == Lines{"[3] set k v"});
  // FLUSHALL is forced out even when there was nothing to flush.
  CHECK(propagation_of(h, "flushall") == Lines{"[3] flushall"});
  CHECK(propagation_of(h, "flushall") == Lines{"[3] flushall"});
  CHECK(propagation_of(h, "flushall async") == Lines{"[3] flushall async"});
  CHECK(propagation_of(h, "flushdb") == Lines{"[3] flushdb"});
}

TEST_CASE("keyspace propagation: dirty counts what Redis adds to server.dirty") {
  Harness h;
  h.run("rpush l a b c");
  CHECK(h.result.dirty == 3);
  h.run("sadd s a b a");
  CHECK(h.result.dirty == 2);
  h.run("del l s nosuch");
  CHECK(h.result.dirty == 2);
  h.run("set a 1");
  h.run("set b 1");
  h.run("flushall");
  CHECK(h.result.dirty == 2);
  h.run("get a");
  CHECK(h.result.dirty == 0);
}

TEST_CASE("keyspace expiry: a master deletes an expired key on access, DEL before the command") {
  // Each key got a 50 ms TTL; 200 ms later the command ran. Observed streams: a lone DEL, or
  // the DEL and the command (which the server wraps in MULTI ... EXEC).
  Harness h;
  for (const char* key : {"a", "b", "c", "d", "e", "f", "g", "h", "j", "j2", "k", "m", "n"}) {
    h.run(std::string("set ") + key + " v px 50");
  }
  h.ctx.now_ms += 200;
  CHECK(h.run("get a") == "$-1\r\n");
  CHECK(h.propagated() == Lines{"[0] DEL a"});
  CHECK(propagation_of(h, "set b v2") == Lines{"[0] DEL b", "[0] set b v2"});
  CHECK(h.run("del c") == ":0\r\n");
  CHECK(h.propagated() == Lines{"[0] DEL c"});
  CHECK(h.run("exists d") == ":0\r\n");
  CHECK(h.propagated() == Lines{"[0] DEL d"});
  CHECK(h.run("incr e") == ":1\r\n");
  CHECK(h.propagated() == Lines{"[0] DEL e", "[0] incr e"});
  CHECK(propagation_of(h, "set f v2 nx") == Lines{"[0] DEL f", "[0] set f v2 nx"});
  CHECK(h.run("set g v2 xx") == "$-1\r\n");
  CHECK(h.propagated() == Lines{"[0] DEL g"});
  CHECK(propagation_of(h, "sadd h b") == Lines{"[0] DEL h", "[0] sadd h b"});
  CHECK(propagation_of(h, "del j j2") == Lines{"[0] DEL j", "[0] DEL j2"});
  CHECK(h.run("expire k 100") == ":0\r\n");
  CHECK(h.propagated() == Lines{"[0] DEL k"});
  CHECK(h.run("set m v get") == "$-1\r\n");
  CHECK(h.propagated() == Lines{"[0] DEL m", "[0] set m v"});
  CHECK(h.run("incrbyfloat n 1") == "$1\r\n1\r\n");
  CHECK(h.propagated() == Lines{"[0] DEL n", "[0] SET n 1 KEEPTTL"});
  CHECK(h.ks.stats().expired_keys == 13);
}

TEST_CASE("keyspace expiry: KEYS hides expired keys without deleting them; DBSIZE counts them") {
  Harness h;
  h.run("set i v px 50");
  h.run("set live v");
  h.ctx.now_ms += 200;
  CHECK(h.run("keys *") == "*1\r\n$4\r\nlive\r\n");
  CHECK(h.propagated().empty());
  CHECK(h.run("dbsize") == ":2\r\n");
}

TEST_CASE("keyspace expiry: a replica serves expired keys as missing but waits for the DEL") {
  // Observed on a 7.0.15 replica: GET nil, EXISTS 0, TTL -2, DBSIZE and INFO still count it.
  Harness h;
  h.ctx.is_master = false;
  h.ctx.from_master = true;
  h.run("set k v PXAT " + ms(300));
  h.ctx.from_master = false;
  h.ctx.now_ms += 500;
  CHECK(h.run("get k") == "$-1\r\n");
  CHECK(h.run("exists k") == ":0\r\n");
  CHECK(h.run("ttl k") == ":-2\r\n");
  CHECK(h.run("dbsize") == ":1\r\n");
  CHECK(h.propagated().empty());
  std::string info;
  h.ks.append_info_keyspace(info);
  CHECK(info == "db0:keys=1,expires=1,avg_ttl=0\r\n");
  // The master's commands still see the key (expireIfNeeded returns 0 for them) ...
  h.ctx.from_master = true;
  CHECK(h.run("incrbyfloat k 0") == "-ERR value is not a valid float\r\n");
  // ... until its DEL arrives.
  CHECK(h.run("del k") == ":1\r\n");
  CHECK(h.run("dbsize") == ":0\r\n");
  CHECK(h.ks.stats().expired_keys == 0);
}

TEST_CASE("keyspace expiry: replicas keep past TTLs from EXPIRE instead of deleting") {
  Harness h;
  h.ctx.is_master = false;
  h.ctx.from_master = true;
  h.run("set e v");
  CHECK(h.run("pexpireat e 1") == ":1\r\n");
  CHECK(h.propagated() == Lines{"[0] pexpireat e 1"});
  REQUIRE(h.ks.peek(0, "e") != nullptr);
  CHECK(h.ks.peek(0, "e")->get_expire() == 1);
}

TEST_CASE("keyspace expiry: a writable replica deletes expired keys on writes only") {
  Harness h;
  h.ctx.is_master = false;
  h.ctx.replica_read_only = false;
  h.run("set k v px 50");
  h.run("set w v px 50");
  h.ctx.now_ms += 100;
  CHECK(h.run("get k") == "$-1\r\n");
  CHECK(h.run("dbsize") == ":2\r\n");
  CHECK(h.run("set k v2 nx") == "+OK\r\n");  // the write lookup deleted the old key first
  CHECK(h.propagated() == Lines{"[0] DEL k", "[0] set k v2 nx"});
  CHECK(h.run("del w") == ":1\r\n");  // DEL's own expireIfNeeded does not delete here
}

TEST_CASE("keyspace expiry: EXPIRE options NX XX GT LT reply as Redis 7.0") {
  Harness h;
  keyspace_test::play(h, {
      {"set k v", "+OK\r\n"},
      {"expire k 100", ":1\r\n"},
      {"expire k 100 nx", ":0\r\n"},
      {"expire k 200 xx", ":1\r\n"},
      {"expire k 50 gt", ":0\r\n"},
      {"expire k 500 gt", ":1\r\n"},
      {"expire k 600 lt", ":0\r\n"},
      {"expire k 400 lt", ":1\r\n"},
      {"expire k 10 nx xx",
       "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"},
      {"expire k 10 gt lt", "-ERR GT and LT options at the same time are not compatible\r\n"},
      {"expire k 10 nx gt",
       "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"},
      {"expire k 10 foo", "-ERR Unsupported option foo\r\n"},
      {"expire k 10 NX foo", "-ERR Unsupported option foo\r\n"},
      {"expire k abc", "-ERR value is not an integer or out of range\r\n"},
      {"expire k abc foo", "-ERR Unsupported option foo\r\n"},
      {"expire missing 10", ":0\r\n"},
      {"expire k 9223372036854776", "-ERR invalid expire time in 'expire' command\r\n"},
      {"expire k 9223372036854775", "-ERR invalid expire time in 'expire' command\r\n"},
      {"expire k -9223372036854776", "-ERR invalid expire time in 'expire' command\r\n"},
      {"set nottl v", "+OK\r\n"},
      {"expire nottl 100 xx", ":0\r\n"},
      {"expire nottl 100 gt", ":0\r\n"},
      {"expire nottl 100 lt", ":1\r\n"},
      {"expire nottl -1", ":1\r\n"},
      {"exists nottl", ":0\r\n"},
      {"pexpireat k 1", ":1\r\n"},
      {"exists k", ":0\r\n"},
      {"set k v", "+OK\r\n"},
      {"pexpireat k 9223372036854775807", ":1\r\n"},
      {"pexpireat k abc", "-ERR value is not an integer or out of range\r\n"},
  });
  h.run("pttl k");
  CHECK(h.result.reply.num == INT64_MAX - kNowMs);
}

TEST_CASE("keyspace active expiry: a master's cycle deletes expired keys and sends DELs") {
  Harness h;
  for (int i = 0; i < 100; ++i) h.run("set gone:" + std::to_string(i) + " v px 10");
  for (int i = 0; i < 100; ++i) h.run("set stay:" + std::to_string(i) + " v px 60000");
  h.run("select 5");
  h.run("set other v px 10");
  h.ctx.now_ms += 1000;
  sim::Rng rng(42);
  model::PropagateList dels;
  const size_t expired = h.ks.active_expire(h.ctx.now_ms, rng, dels);
  CHECK(expired == dels.size());
  CHECK(expired >= 50);  // it keeps sampling while more than 10% of a sample expired
  for (const model::Propagation& p : dels) {
    CHECK(p.argv[0] == "DEL");
    CHECK(p.argv.size() == 2);
    CHECK((p.db == 0 || p.db == 5));
  }
  CHECK(h.ks.key_count(5) == 0);
  for (int cycle = 0; cycle < 500 && h.ks.key_count(0) > 100; ++cycle) {
    h.ks.active_expire(h.ctx.now_ms, rng, dels);
  }
  CHECK(h.ks.key_count(0) == 100);
  CHECK(h.ks.stats().expired_keys == 101);
  CHECK(h.ks.avg_ttl_ms(0) > 0);
  CHECK(h.ks.avg_ttl_ms(0) <= 60'000);
  // Same seed, same state: same DELs in the same order.
  auto replay = [] {
    Harness again;
    for (int i = 0; i < 30; ++i) again.run("set k" + std::to_string(i) + " v px 10");
    again.ctx.now_ms += 100;
    sim::Rng r(7);
    model::PropagateList out;
    again.ks.active_expire(again.ctx.now_ms, r, out);
    return keyspace_test::lines(out);
  };
  CHECK(replay() == replay());
}

TEST_CASE("keyspace snapshot: a master's load drops expired keys, a replica's keeps them") {
  Harness h;
  h.run("set old v px 10");
  h.run("set new v px 100000");
  h.run("sadd s 1 2 3");
  const std::string bytes = h.ks.serialize();
  const int64_t later = kNowMs + 1000;
  auto as_replica = model::Keyspace::deserialize(bytes, 9, {false, later});
  auto as_master = model::Keyspace::deserialize(bytes, 9, {true, later});
  REQUIRE(as_replica);
  REQUIRE(as_master);
  CHECK(as_replica->same_data(h.ks));
  CHECK(as_replica->key_count(0) == 3);
  CHECK(as_master->key_count(0) == 2);
  CHECK(as_master->peek(0, "old") == nullptr);
  CHECK_FALSE(model::Keyspace::deserialize(bytes.substr(0, bytes.size() - 1), 1));
  CHECK_FALSE(model::Keyspace::deserialize("junk", 1));
}

TEST_CASE("keyspace snapshot: the loading process lists hashtable sets in its own order") {
  Harness master(1);
  master.run("sadd s alpha beta gamma delta epsilon zeta eta theta iota kappa");
  master.run("smembers s");
  const model::RespValue on_master = master.result.reply;
  auto loaded = model::Keyspace::deserialize(master.ks.serialize(), 2);
  REQUIRE(loaded);
  Harness replica(2);
  replica.ks = std::move(*loaded);
  replica.run("smembers s");
  CHECK(replica.result.reply.elements.size() == on_master.elements.size());
  CHECK(replica.result.reply != on_master);
  CHECK(replica.ks.digest() == master.ks.digest());
  // A reused result carries nothing over from the previous reply.
  replica.run("scard s");
  CHECK(replica.result.reply == model::RespValue::integer(10));
  replica.run("set s x");
  CHECK(replica.result.reply == model::RespValue::ok());
}

// The loaded copy is built by adding keys only; its size must equal the one the history kept
// up to date through every overwrite, conversion, TTL change and delete.
TEST_CASE("keyspace snapshot: serialize / deserialize round-trips any history exactly") {
  const std::vector<std::string> templates = {
      "set K V", "set K V px 5000", "set K V keepttl", "setex K 9 V", "incr K", "del K",
      "incrbyfloat K 1.5", "sadd K V", "sadd K 7", "sadd K mV 3", "lpush K V", "rpush K V 1",
      "expire K 3",
      "pexpireat K 1", "select 2", "select 0", "flushdb"};
  CHECK(rc::check("round trip", [&templates] {
    const auto steps = *rc::gen::container<std::vector<std::tuple<size_t, int, int, int>>>(
        rc::gen::tuple(rc::gen::inRange<size_t>(0, templates.size()),
                       rc::gen::inRange(0, 6), rc::gen::inRange(0, 40),
                       rc::gen::inRange(0, 3000)));
    Harness h(*rc::gen::arbitrary<uint64_t>());
    for (const auto& [which, key, value, advance_ms] : steps) {
      std::string line = templates[which];
      if (const size_t k = line.find('K'); k != std::string::npos) {
        line.replace(k, 1, "key" + std::to_string(key));
      }
      if (const size_t v = line.find('V'); v != std::string::npos) {
        line.replace(v, 1, std::to_string(value));
      }
      h.run(line);
      h.ctx.now_ms += advance_ms;
    }
    const std::string bytes = h.ks.serialize();
    auto copy = model::Keyspace::deserialize(bytes, h.ks.order_seed());
    RC_ASSERT(copy.has_value());
    RC_ASSERT(copy->same_data(h.ks));
    RC_ASSERT(copy->digest() == h.ks.digest());
    RC_ASSERT(copy->serialize() == bytes);
    RC_ASSERT(copy->dataset_bytes() == h.ks.dataset_bytes());
    for (int db = 0; db < model::Keyspace::kDbCount; ++db) {
      RC_ASSERT(copy->expires_count(db) == h.ks.expires_count(db));
    }
  }));
}

TEST_CASE("keyspace snapshot: INFO keyspace lines, digest and size follow the data") {
  Harness h;
  std::string info;
  h.ks.append_info_keyspace(info);
  CHECK(info.empty());
  h.run("set a 1");
  h.run("select 3");
  h.run("set b 1 ex 100");
  h.ks.append_info_keyspace(info);
  CHECK(info == "db0:keys=1,expires=0,avg_ttl=0\r\ndb3:keys=1,expires=1,avg_ttl=0\r\n");
  const uint64_t before = h.ks.digest();
  const size_t size_before = h.ks.dataset_bytes();
  h.run("set c 12345");
  CHECK(h.ks.digest() != before);
  CHECK(h.ks.dataset_bytes() > size_before);
  CHECK(h.ks.flush_all() == 3);
  CHECK(h.ks.dataset_bytes() == 0);
}
