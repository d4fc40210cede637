// Every operation the simulated applications made, as they saw it: what they asked, when,
// where it went and what came back. The history checker (model/history_check.h) reads it after
// the run; the scenario engine prints and checks what it finds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/client_library.h"
#include "sim/time.h"

namespace model {

// What a workload writes: each write is unique, so the checker can tell exactly which
// acknowledged writes the final master lacks.
enum class WriteCommand : uint8_t {
  kSet,   // SET <client>:<key> <seq>
  kIncr,  // INCR <client>:<key>; the reply tells which increment it was
  kSadd,  // SADD <client>:<key> <seq>
};
std::string_view to_string(WriteCommand command);

struct Operation {
  enum class Kind : uint8_t { kWrite, kRead };
  Kind kind = Kind::kWrite;
  uint32_t client = 0;     // index into History::clients
  uint64_t seq = 0;        // the client's write number (writes), or of the write read (reads)
  std::string key;
  sim::Time invoked;
  sim::Time completed;
  Outcome::Result result = Outcome::Result::kOk;
  std::string error;       // as the library raised it
  sim::Address server;     // where it went; port 0 if it never got that far
  // kIncr writes: the counter's value the reply gave. Reads: what was read (GET's value, 1 or 0
  // for SISMEMBER), or -1 for nil.
  int64_t number = 0;
  // Reads: the least value that is not stale, given the write acknowledged before the read
  // began (its seq for SET, its reply for INCR, 1 for SISMEMBER).
  int64_t expected = 0;
};

struct ClientInfo {
  std::string name;
  WriteCommand write_command = WriteCommand::kSet;
};

struct History {
  std::vector<ClientInfo> clients;
  std::vector<Operation> ops;  // in completion order
};

}  // namespace model
