// The simulated world: nodes (each a host running at most one process), the event queue,
// the network, the trace, and the faults that act on processes and hosts.
//
// A node keeps its name, address, disk and wall clock for the whole run; its process comes
// and goes. Each start is a new incarnation: events of an earlier incarnation are dropped, so
// a crash needs no bookkeeping of timers. A frozen node (SIGSTOP, or its host down) runs
// nothing: its due timers and socket events wait and run, in order, when it thaws.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/disk.h"
#include "sim/event_queue.h"
#include "sim/network.h"
#include "sim/process.h"
#include "sim/rng.h"
#include "sim/trace.h"
#include "sim/wall_clock.h"

namespace sim {

class World;

// Everything a process may touch: its clocks, timers, sockets, random streams, disk and log.
class Env {
 public:
  Env(World& world, NodeId id) : world_(world), id_(id) {}

  NodeId id() const { return id_; }
  const std::string& name() const;
  const Address& address() const;
  Time now() const;        // monotonic: timers and timeouts
  int64_t unix_us() const;  // this machine's wall clock, which may jump
  uint32_t incarnation() const;

  // Runs `fn` after `delay`, unless this incarnation ends first; deferred while frozen.
  template <typename F>
  TimerId after(Duration delay, F&& fn);
  void cancel(TimerId timer);

  bool listen(const Address& addr);
  SocketId connect(const Address& target);
  void send(SocketId socket, std::string_view bytes);
  std::string_view readable(SocketId socket) const;
  void consume(SocketId socket, size_t n);
  size_t unsent(SocketId socket) const;
  void close(SocketId socket);
  const Address& peer_address(SocketId socket) const;
  const Address& local_address(SocketId socket) const;

  // A random stream for one purpose ("jitter", "runid"), fresh for each incarnation and
  // independent of every other node's and purpose's draws.
  Rng& rng(std::string_view purpose);
  Disk& disk();
  const Disk& disk() const;
  // A trace record from this node, stamped with its wall clock; `tag` starts its log line.
  void trace(std::string_view kind, char level, std::string_view event, std::string_view text,
             std::string_view tag = {});
  // The process ends itself (SHUTDOWN, exit after SIGTERM): peers see EOF, not a reset.
  void exit();
  // The process is busy for `d` (DEBUG SLEEP, a blocking load): from the end of the current
  // event, nothing of it runs until then; input waits, as when paused.
  void stall(Duration d);

 private:
  World& world_;
  NodeId id_;
};

using ProcessFactory = std::function<std::unique_ptr<Process>(Env&)>;

struct NodeSpec {
  std::string name;
  Address addr;  // port 0: the node only connects out (a client host)
  ProcessFactory factory;
};

class World final : private NetworkEvents, private EventQueue::Gate {
 public:
  // Virtual time zero is 2026-01-01T00:00:00Z on every node's wall clock unless changed.
  static constexpr int64_t kDefaultEpochUnixUs = 1767225600LL * 1000000;

  explicit World(uint64_t seed);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  NodeId add_node(NodeSpec spec);
  NodeId find(std::string_view name) const;  // kNoNode if there is none
  size_t node_count() const { return nodes_.size(); }
  const std::string& name(NodeId node) const;
  const Address& address(NodeId node) const;

  // --- Process lifecycle and faults -------------------------------------------------------
  void start(NodeId node);      // a fresh incarnation; a no-op if it is running
  void crash(NodeId node);      // kill -9: volatile state gone, peers reset
  void terminate(NodeId node);  // SIGTERM: the process decides (Process::on_terminate)
  void pause(NodeId node);      // SIGSTOP
  void resume(NodeId node);     // SIGCONT
  void host_down(NodeId node);  // the machine stops answering: isolated and frozen
  void host_up(NodeId node);
  void stall(NodeId node, Duration d);  // see Env::stall
  void jump_clock(NodeId node, Duration by);
  void set_clock_drift(NodeId node, int64_t ppm);

  bool alive(NodeId node) const;
  bool paused(NodeId node) const;
  bool host_is_down(NodeId node) const;
  Process* process(NodeId node) const;
  Env& env(NodeId node);
  const Env& env(NodeId node) const;
  Disk& disk(NodeId node);

  // --- Running ---------------------------------------------------------------------------
  Time now() const { return queue_.now(); }
  void run_until(Time limit) { queue_.run_until(limit); }
  template <typename Pred>
  bool run_until(Pred done, Time limit) { return queue_.run_until(done, limit); }
  bool step() { return queue_.step(); }

  EventQueue& queue() { return queue_; }
  Network& network() { return network_; }
  Trace& trace() { return trace_; }
  const Rng& rng() const { return rng_; }
  int64_t epoch_unix_us() const { return epoch_unix_us_; }
  void set_epoch_unix_us(int64_t us) { epoch_unix_us_ = us; }

 private:
  friend class Env;
  struct Node;

  // NetworkEvents: route socket events to the owning process, now or when it thaws.
  void on_connected(NodeId node, SocketId socket) override;
  void on_accepted(NodeId node, SocketId socket) override;
  void on_readable(NodeId node, SocketId socket) override;
  void on_closed(NodeId node, SocketId socket, CloseReason reason) override;
  // Gate: decide the fate of a node's due event.
  Verdict admit(EventOwner owner) override;
  void defer(EventOwner owner, InlineFunction fn) override;

  template <typename F>
  void dispatch(NodeId node, F&& call);
  void stop(NodeId node, CloseReason peers_see);
  void thaw_if_ready(NodeId node);
  bool frozen(const Node& n) const;

  EventQueue queue_;
  Rng rng_;
  Trace trace_;
  Network network_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::map<std::string, NodeId, std::less<>> by_name_;
  std::vector<std::unique_ptr<Process>> exited_;  // destroyed once their last call returns
  int64_t epoch_unix_us_ = kDefaultEpochUnixUs;
};

template <typename F>
TimerId Env::after(Duration delay, F&& fn) {
  return world_.queue().after(delay, std::forward<F>(fn), EventOwner{id_, incarnation()});
}

}  // namespace sim
