// Keyspace replies and errors. Every expected reply below is the exact RESP a redis-server
// 7.0.15 sent for the same command line, captured by writing the command to a raw socket and
// reading the answer (with the clock-dependent results recomputed for our fixed clock).
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "model/keyspace_util.h"
#include "tests/unit/keyspace_harness.h"

using keyspace_test::Harness;
using keyspace_test::play;

namespace {

// The members of an array reply, in the order given.
std::vector<std::string> items(const model::RespValue& reply) {
  std::vector<std::string> out;
  for (const model::RespValue& e : reply.elements) out.push_back(e.str);
  return out;
}

}  // namespace

TEST_CASE("keyspace: GET and SET with NX, XX, GET and TTL options reply as Redis 7.0") {
  Harness h;
  play(h, {
      {"get k", "$-1\r\n"},
      {"set k v", "+OK\r\n"},
      {"get k", "$1\r\nv\r\n"},
      {"set k v nx", "$-1\r\n"},
      {"set k v2 xx", "+OK\r\n"},
      {"get k", "$2\r\nv2\r\n"},
      {"set k v nx xx", "-ERR syntax error\r\n"},
      {"set k v xx nx", "-ERR syntax error\r\n"},
      {"set k v ex 0", "-ERR invalid expire time in 'set' command\r\n"},
      {"set k v ex -1", "-ERR invalid expire time in 'set' command\r\n"},
      {"set k v px 0", "-ERR invalid expire time in 'set' command\r\n"},
      {"set k v ex abc", "-ERR value is not an integer or out of range\r\n"},
      {"set k v ex 9223372036854775", "-ERR invalid expire time in 'set' command\r\n"},
      {"set k v ex 9223372036854776", "-ERR invalid expire time in 'set' command\r\n"},
      {"set k v px 9223372036854775807", "-ERR invalid expire time in 'set' command\r\n"},
      {"set k v exat 9223372036854775", "+OK\r\n"},
      {"set k v pxat 1", "+OK\r\n"},
      {"get k", "$-1\r\n"},  // already expired: deleted on access
      {"set k v ex 10 px 10", "-ERR syntax error\r\n"},
      {"set k v ex 10 keepttl", "-ERR syntax error\r\n"},
      {"set k v keepttl ex 10", "-ERR syntax error\r\n"},
      {"set k v ex", "-ERR syntax error\r\n"},
      {"set k v foo", "-ERR syntax error\r\n"},
      {"set k v get", "$-1\r\n"},
      {"set k v3 get nx", "$1\r\nv\r\n"},
      {"set k v4 get xx", "$1\r\nv\r\n"},
      {"set newk v get nx", "$-1\r\n"},
      {"sadd s a", ":1\r\n"},
      {"set s v get", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
      {"get s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
      {"set s v", "+OK\r\n"},
      {"get s", "$1\r\nv\r\n"},
      {"setex k 10 v", "+OK\r\n"},
      {"setex k 0 v", "-ERR invalid expire time in 'setex' command\r\n"},
      {"setex k -5 v", "-ERR invalid expire time in 'setex' command\r\n"},
      {"setex k abc v", "-ERR value is not an integer or out of range\r\n"},
      {"setex k 10", "-ERR wrong number of arguments for 'setex' command\r\n"},
  });
}

TEST_CASE("keyspace: INCR family parses strict integers and refuses to overflow") {
  Harness h;
  const std::string not_int = "-ERR value is not an integer or out of range\r\n";
  play(h, {
      {"incr n", ":1\r\n"},
      {"incr n", ":2\r\n"},
      {"set f 1.5", "+OK\r\n"},
      {"incr f", not_int},
      {"set big 9223372036854775807", "+OK\r\n"},
      {"incr big", "-ERR increment or decrement would overflow\r\n"},
      {"set neg -9223372036854775808", "+OK\r\n"},
      {"incr neg", ":-9223372036854775807\r\n"},
      {"set sp \" 1\"", "+OK\r\n"},
      {"incr sp", not_int},
      {"set p +1", "+OK\r\n"},
      {"incr p", not_int},
      {"set z 01", "+OK\r\n"},
      {"incr z", not_int},
      {"sadd s2 x", ":1\r\n"},
      {"incr s2", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
      {"set a 5", "+OK\r\n"},
      {"incrby a x", not_int},
      {"incrby a 10", ":15\r\n"},
      {"decrby a -9223372036854775808", "-ERR decrement would overflow\r\n"},
      {"decrby a 3", ":12\r\n"},
      {"decr a", ":11\r\n"},
      {"mget a nosuch s2", "*3\r\n$2\r\n11\r\n$-1\r\n$-1\r\n"},
  });
}

TEST_CASE("keyspace: INCRBYFLOAT adds long doubles and prints them like ld2string") {
  Harness h;
  const std::string not_float = "-ERR value is not a valid float\r\n";
  const std::string e400 =
      "10000000000000000000281880683947586514586453433629052038625910693539685534008629"
      "86203936399484832416052209405392731761620029582277725925573402382897659334066101"
      "77974474345461739178624481166749717237789438243915933380474706750262466844013592"
      "37513603830343735485505244955964979021825038280091068414947402456898653040951017"
      "51265809261582758892018347251164331659136266413817630973480634373249743022194688"
      "0";
  play(h, {
      {"set f 1.5", "+OK\r\n"},
      {"incrbyfloat f 0.1", "$3\r\n1.6\r\n"},
      {"incrbyfloat f abc", not_float},
      {"incrbyfloat nf 3", "$1\r\n3\r\n"},
      {"incrbyfloat nf 1e3", "$4\r\n1003\r\n"},
      {"incrbyfloat nf -1003", "$1\r\n0\r\n"},
      {"incrbyfloat nf 1.0e400", "$401\r\n" + e400 + "\r\n"},
      {"incrbyfloat nf 5.0000000000000000001", "$401\r\n" + e400 + "\r\n"},
      {"set inf 1", "+OK\r\n"},
      {"incrbyfloat inf inf", "-ERR increment would produce NaN or Infinity\r\n"},
      {"set hx 0x10", "+OK\r\n"},
      {"incrbyfloat hx 1", "$2\r\n17\r\n"},
      {"incrbyfloat x \" 1\"", not_float},
      {"incrbyfloat x \"1 \"", not_float},
      {"incrbyfloat g 0.1", "$3\r\n0.1\r\n"},
      {"incrbyfloat g 0.2", "$3\r\n0.3\r\n"},
      {"incrbyfloat h -0.0", "$1\r\n0\r\n"},
      {"incrbyfloat h 1e-5000", not_float},
      {"incrbyfloat h 3.0e-4951", "$1\r\n0\r\n"},
      {"incrbyfloat i 1e-20", "$1\r\n0\r\n"},
      {"incrbyfloat j 9007199254740993", "$16\r\n9007199254740993\r\n"},
      {"incrbyfloat j 1", "$16\r\n9007199254740994\r\n"},
      {"incrbyfloat k 10.50", "$4\r\n10.5\r\n"},
      {"set m 1e2", "+OK\r\n"},
      {"incrbyfloat m 0", "$3\r\n100\r\n"},
      {"set big 12345678901234567890", "+OK\r\n"},
      {"incrbyfloat big 0", "$20\r\n12345678901234567890\r\n"},
      {"incrbyfloat n -5.5", "$4\r\n-5.5\r\n"},
      {"incrbyfloat p 1.5e20", "$21\r\n150000000000000000000\r\n"},
      {"incrbyfloat q 0x1p3", "$1\r\n8\r\n"},
      {"incrbyfloat r infinity", "-ERR increment would produce NaN or Infinity\r\n"},
      {"incrbyfloat r nan", not_float},
      {"sadd s x", ":1\r\n"},
      {"incrbyfloat s 1",
       "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
  });
}

TEST_CASE("keyspace: DEL, EXISTS, DBSIZE, SELECT and FLUSHALL reply as Redis 7.0") {
  Harness h;
  play(h, {
      {"del a b c", ":0\r\n"},
      {"set a 1", "+OK\r\n"},
      {"set b 2", "+OK\r\n"},
      {"del a b c a", ":2\r\n"},
      {"exists a b c", ":0\r\n"},
      {"set a 1", "+OK\r\n"},
      {"exists a a a b", ":3\r\n"},
      {"dbsize", ":1\r\n"},
      {"select 1", "+OK\r\n"},
      {"dbsize", ":0\r\n"},
      {"select 16", "-ERR DB index is out of range\r\n"},
      {"select -1", "-ERR DB index is out of range\r\n"},
      {"select abc", "-ERR value is not an integer or out of range\r\n"},
      {"select 99999999999",
       "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"},
      {"select 1.5", "-ERR value is not an integer or out of range\r\n"},
      {"flushall async", "+OK\r\n"},
      {"flushall sync", "+OK\r\n"},
      {"flushall x", "-ERR syntax error\r\n"},
      {"flushall sync async", "-ERR syntax error\r\n"},
      {"flushdb x", "-ERR syntax error\r\n"},
      {"select 0", "+OK\r\n"},
      {"ttl nosuch", ":-2\r\n"},
      {"set a 11", "+OK\r\n"},
      {"ttl a", ":-1\r\n"},
      {"expire a 100", ":1\r\n"},
      {"ttl a", ":100\r\n"},
      {"pttl a", ":100000\r\n"},
  });
  CHECK(h.ctx.db == 0);
}

TEST_CASE("keyspace: a TTL survives INCR, INCRBYFLOAT, KEEPTTL and pushes; plain SET drops it") {
  Harness h;
  play(h, {
      {"set k 1 ex 100", "+OK\r\n"},
      {"incr k", ":2\r\n"},
      {"ttl k", ":100\r\n"},
      {"incrbyfloat k 1", "$1\r\n3\r\n"},
      {"ttl k", ":100\r\n"},
      {"set k 2", "+OK\r\n"},
      {"ttl k", ":-1\r\n"},
      {"set k 3 ex 100", "+OK\r\n"},
      {"set k 4 keepttl", "+OK\r\n"},
      {"ttl k", ":100\r\n"},
      {"lpush l a", ":1\r\n"},
      {"expire l 100", ":1\r\n"},
      {"rpush l b", ":2\r\n"},
      {"ttl l", ":100\r\n"},
      {"sadd s a", ":1\r\n"},
      {"expire s 100", ":1\r\n"},
      {"sadd s b", ":1\r\n"},
      {"ttl s", ":100\r\n"},
      {"set k v ex 10 ex 20", "+OK\r\n"},
      {"ttl k", ":20\r\n"},
      {"set k v px 10 ex 20", "-ERR syntax error\r\n"},
  });
}

TEST_CASE("keyspace: sets and lists reply as Redis 7.0") {
  Harness h;
  const std::string wrongtype =
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
  const std::string l5 = "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n";
  play(h, {
      {"sadd s a b c", ":3\r\n"},
      {"sadd s a", ":0\r\n"},
      {"scard s", ":3\r\n"},
      {"scard nosuch", ":0\r\n"},
      {"smembers nosuch", "*0\r\n"},
      {"set str v", "+OK\r\n"},
      {"sadd str a", wrongtype},
      {"smembers str", wrongtype},
      {"scard str", wrongtype},
      {"lpush l a b c", ":3\r\n"},
      {"rpush l d e", ":5\r\n"},
      {"lrange l 0 -1", l5},
      {"lrange l -2 -1", "*2\r\n$1\r\nd\r\n$1\r\ne\r\n"},
      {"lrange l 5 10", "*0\r\n"},
      {"lrange l 2 1", "*0\r\n"},
      {"lrange l -100 100", l5},
      {"lrange l a 1", "-ERR value is not an integer or out of range\r\n"},
      {"lrange l 0 99999999999999999999", "-ERR value is not an integer or out of range\r\n"},
      {"lrange nosuch 0 -1", "*0\r\n"},
      {"lrange str 0 -1", wrongtype},
      {"lrange nosuch a b", "-ERR value is not an integer or out of range\r\n"},
      {"lpush str a", wrongtype},
  });
}

TEST_CASE("keyspace: small all-integer sets are intsets, listed in ascending order") {
  Harness h;
  play(h, {
      {"sadd s 3 1 2 -5 10", ":5\r\n"},
      {"smembers s", "*5\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n"},
      {"sadd x 9223372036854775807 -9223372036854775808", ":2\r\n"},
      {"smembers x", "*2\r\n$20\r\n-9223372036854775808\r\n$19\r\n9223372036854775807\r\n"},
  });
  auto encoding = [&h](std::string_view key) {
    return model::value_if<model::SetValue>(h.ks.peek(0, key)->value)->is_intset;
  };
  CHECK(encoding("s"));
  // Observed OBJECT ENCODING: hashtable for each of these.
  for (std::string_view line : {"sadd t 3 1 a", "sadd u a 1", "sadd v 01 1", "sadd w -0",
                                "sadd y 9223372036854775808"}) {
    h.run(line);
    CHECK_FALSE(encoding(std::string_view(line).substr(5, 1)));
  }
  // set-max-intset-entries 512: the 513th integer converts it.
  for (int i = 1; i <= 512; ++i) h.run("sadd big " + std::to_string(i));
  CHECK(encoding("big"));
  h.run("sadd big 513");
  CHECK_FALSE(encoding("big"));
}

TEST_CASE("keyspace: KEYS and hashtable SMEMBERS follow a per-process seeded order") {
  auto keys_with_seed = [](uint64_t seed) {
    Harness h(seed);
    for (int i = 0; i < 40; ++i) h.run("set key:" + std::to_string(i) + " v");
    h.run("keys *");
    return items(h.result.reply);
  };
  auto members_with_seed = [](uint64_t seed) {
    Harness h(seed);
    h.run("sadd s alpha beta gamma delta epsilon zeta eta theta iota kappa");
    h.run("smembers s");
    return items(h.result.reply);
  };
  const std::vector<std::string> a = keys_with_seed(7);
  CHECK(a.size() == 40);
  CHECK(a == keys_with_seed(7));            // deterministic for a seed
  CHECK(a != keys_with_seed(8));            // another process, another order
  std::vector<std::string> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  CHECK(a != sorted);                       // not sorted order either
  CHECK(members_with_seed(7) == members_with_seed(7));
  CHECK(members_with_seed(7) != members_with_seed(8));
  CHECK(members_with_seed(7).size() == 10);
}

TEST_CASE("keyspace: KEYS patterns match like stringmatchlen") {
  // The keys and, per pattern, the matches redis-server 7.0.15 returned.
  Harness h;
  const std::vector<std::string> keys = {"hello", "hallo", "hxllo", "hllo", "heeeello", "a*b",
                                         "a?b", "a[b", "ab", "a\\b", "x-y", "b", "]", "^",
                                         "abc", "ABC", "h\xe9llo"};
  for (const std::string& k : keys) {
    std::vector<std::string> argv = {"set", k, "1"};
    h.ks.execute(model::CommandId::kSet, argv, h.ctx, h.result);
  }
  using Set = std::set<std::string>;
  const std::vector<std::pair<std::string, Set>> cases = {
      {"h?llo", {"hallo", "h\xe9llo", "hello", "hxllo"}},
      {"h*llo", {"heeeello", "hallo", "hllo", "h\xe9llo", "hello", "hxllo"}},
      {"h[ae]llo", {"hallo", "hello"}},
      {"h[^e]llo", {"hallo", "h\xe9llo", "hxllo"}},
      {"h[a-b]llo", {"hallo"}},
      {"h[b-a]llo", {"hallo"}},
      {"a\\*b", {"a*b"}},
      {"a\\?b", {"a?b"}},
      {"a[\\[]b", {"a[b"}},
      {"a[b", {"ab"}},
      {"[]]", {}},
      {"[^]]", {}},
      {"[a-]", {"^", "]"}},
      {"*[", {}},
      {"[", {}},
      {"\\", {}},
      {"a\\\\b", {"a\\b"}},
      {"??", {"ab"}},
      {"?", {"^", "b", "]"}},
      {"[a-c]*", {"a\\b", "b", "a[b", "abc", "a?b", "ab", "a*b"}},
      {"[!a]b", {"ab"}},
      {"[^a-zA-Z]", {"^", "]"}},
      {"x[-]y", {"x-y"}},
      {"x[a-]y", {}},
      {"ab*", {"abc", "ab"}},
      {"**b", {"a\\b", "b", "a[b", "a?b", "ab", "a*b"}},
      {"a[]b", {}},
      {"h[\\x00-\\xff]llo", {"hxllo"}},
  };
  for (const auto& [pattern, expected] : cases) {
    CAPTURE(pattern);
    std::vector<std::string> argv = {"keys", pattern};
    h.ks.execute(model::CommandId::kKeys, argv, h.ctx, h.result);
    const std::vector<std::string> got = items(h.result.reply);
    CHECK(Set(got.begin(), got.end()) == expected);
  }
  // An empty key: KEYS * lists it (the all-keys shortcut) but "**" does not match it.
  h.run("set \"\" 1");
  CHECK(h.run("keys *").find("$0\r\n\r\n") != std::string::npos);
  CHECK(h.run("keys **").find("$0\r\n\r\n") == std::string::npos);
  CHECK(h.run("keys ?*").find("$0\r\n\r\n") == std::string::npos);
}
