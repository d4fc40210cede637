// The history checker: what the applications of a run experienced, from their History and a
// final read of the surviving master's data. It reads, never changes, model state.
//
// - Lost writes: acknowledged writes whose effect the final master lacks. SET: the key holds
//   an older value (or none) than the acknowledged one; INCR: the counter is below the value
//   the acknowledgement reported; SADD: the member is missing. Keys are per client, and a
//   client writes one at a time, so a newer value is never mistaken for an older one.
// - Failed but applied: writes the application saw fail (error, timeout, unknown) whose value
//   is on the final master (SET and SADD; an INCR's value is not its own).
// - Outage: the longest window between two consecutive acknowledged writes (or from the last
//   acknowledgement to the end, if writes never succeeded again), and the total of the
//   windows between acknowledgements that contain a failed write.
// - Stale reads: successful reads that returned less than the write the client had
//   acknowledged before the read began.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/history.h"
#include "model/keyspace.h"

namespace model {

struct NoAckWindow {
  sim::Time from;  // the acknowledgement before it (or the first write's start)
  sim::Time to;    // the next acknowledgement (or the client's last completion)
  bool open = false;  // no acknowledgement came after it
  sim::Duration length() const { return to - from; }
};

struct ClientReport {
  std::string name;
  uint64_t writes = 0, acked = 0, write_failures = 0;
  uint64_t reads = 0, read_ok = 0, read_failures = 0;
  std::map<std::string, uint64_t> errors;  // exception class -> calls (writes and reads)
  std::vector<size_t> lost;                // History::ops indices, in completion order
  std::vector<size_t> failed_but_applied;
  std::vector<size_t> stale_reads;
  std::optional<NoAckWindow> longest_no_ack;
  sim::Duration unavailable;  // total of the windows with a failed write
  // Lost writes by the server that acknowledged them.
  std::map<std::string, uint64_t> lost_by_server;
};

struct HistoryReport {
  // The master the final read came from; none when no master could be read (losses unknown).
  std::optional<std::string> final_master;
  std::vector<ClientReport> clients;
  uint64_t lost() const;
  uint64_t stale_reads() const;
  sim::Duration longest_no_ack() const;  // over all writing clients
};

// `final_data`: the final master's data (db 0), or nullptr when there is none to read.
HistoryReport check_history(const History& history, const Keyspace* final_data,
                            std::optional<std::string> final_master);

}  // namespace model
