// A simulated application: one client process on its own host, running a workload through a
// client library. A writer sends a unique write every `write_every` (the next one starts when
// the period has passed and the previous call has returned, as a loop with a sleep does); a
// reader reads back, every `read_every`, the key of the writer's latest acknowledged write.
// Writer and reader are separate threads of the application, each with its own library
// instance and connections. Every call goes into the shared History.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "model/client_library.h"
#include "model/history.h"
#include "sim/process.h"
#include "sim/world.h"

namespace model {

struct WorkloadSpec {
  std::optional<sim::Duration> write_every;
  WriteCommand write_command = WriteCommand::kSet;
  // Keys cycle over this many (key <seq mod keys>); 0: a new key for every SET, one key for
  // INCR and SADD.
  uint64_t keys = 0;
  std::optional<sim::Duration> read_every;
  Target read_from = Target::kMaster;
  sim::Duration start;            // after the process starts
  std::optional<sim::Duration> stop;  // after the process starts; none: never
};

class ClientProcess final : public sim::Process {
 public:
  ClientProcess(sim::Env& env, LibraryKind kind, LibraryOptions options, WorkloadSpec workload,
                History& history, uint32_t client_index);

  void start() override;
  void on_connected(sim::SocketId socket) override;
  void on_readable(sim::SocketId socket) override;
  void on_closed(sim::SocketId socket, sim::CloseReason reason) override;

 private:
  void write_once();
  void read_once();
  std::string key_name(uint64_t key_index) const;
  // Completes `op` and moves it into the history.
  void record(Operation& op, const Outcome& outcome);
  bool stopped() const;

  ClientSockets sockets_;
  LibraryKind kind_;
  LibraryOptions options_;
  WorkloadSpec workload_;
  History& history_;
  uint32_t client_index_;
  std::unique_ptr<ClientLibrary> writer_;
  std::unique_ptr<ClientLibrary> reader_;
  sim::Time started_;
  uint64_t next_seq_ = 1;
  // The call in flight of each thread (one at a time): kept here rather than in the callback,
  // which then fits std::function's inline storage.
  Operation write_op_;
  Operation read_op_;
  // The latest acknowledged write: what the reader reads back.
  uint64_t acked_seq_ = 0;
  uint64_t acked_key_ = 0;
  int64_t acked_number_ = 0;  // INCR: its reply
  // The trace says when what a thread sees changes (ok or which error, which server), not every
  // call: the last outcome seen, for the writer [0] and the reader [1].
  struct Seen {
    std::string result;  // "ok" or the exception's class
    sim::Address server;
  };
  Seen last_seen_[2];
};

}  // namespace model
