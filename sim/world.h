// The simulated world: nodes (each a host running at most one process), the event queue,
// the network, the trace, and the faults that act on processes and hosts.
//
// A node keeps its name, address, disk and wall clock for the whole run; its process comes
// and goes. Each start is a new incarnation: events of an earlier incarnation are dropped, so
// a crash needs no bookkeeping of timers. A frozen node (SIGSTOP, or its host down) runs
// nothing: its due timers and socket events wait and run, in order, when it thaws.
//
// A process can also block inside one of its own events (Env::busy: an fsync): what it sent
// earlier in the event leaves when the blocking time has passed (Redis writes its output
// buffers after the event's processing), what it does after that call (sends, closes,
// connects, log lines, exit) happens then too, and meanwhile it runs nothing else, as when
// frozen.
#pragma once

#include <algorithm>
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
  Env(World& world, NodeId id, const WallClock& clock) : world_(world), id_(id), clock_(clock) {}

  NodeId id() const { return id_; }
  const std::string& name() const;
  const Address& address() const;
  // Monotonic: timers and timeouts. After busy() in the current event, the time the process
  // is at: the blocking time has passed for it (Redis reads its clock after an fsync).
  Time now() const;
  int64_t unix_us() const;  // this machine's wall clock, which may jump; after busy() likewise
  uint32_t incarnation() const;

  // Runs `fn` after `delay` (counted from now()), unless this incarnation ends first;
  // deferred while frozen.
  template <typename F>
  TimerId after(Duration delay, F&& fn);
  void cancel(TimerId timer);

  bool listen(const Address& addr);
  SocketId connect(const Address& target);
  void send(SocketId socket, std::string_view bytes);
  std::string_view readable(SocketId socket) const;
  void consume(SocketId socket, size_t n);
  size_t unsent(SocketId socket) const;
  // Closes a socket; its peer sees EOF, or a reset when input the process has not read yet
  // is left in it (Linux's tcp_close sends a RST when its receive queue is not empty).
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
  // The rest of the current event happens `d` later: the process blocks here (an fsync). What
  // it does after this call, within the event, is deferred, in order, to when the time has
  // passed: sends, closes, connects (the SYN leaves then), trace records (stamped then),
  // exit; its timers count from then and now() / unix_us() already read then. What it sent
  // earlier in the event (and closed: the FIN) arrives as much later (Network::hold_back):
  // Redis writes replies in beforeSleep, hiredis commands from the write handler, both after
  // the fsync. Until then it runs nothing else: input waits, as with stall(). Several calls in
  // one event add up. Reads (readable, consume), disk writes and random draws still happen at
  // once, and so did the event's earlier connects and log lines.
  void busy(Duration d);

 private:
  friend class World;
  bool deferring() const { return busy_until_.us != 0; }
  [[gnu::cold, gnu::noinline]] void send_after_busy(SocketId socket, std::string_view bytes);
  [[gnu::cold, gnu::noinline]] void trace_after_busy(std::string_view kind, char level,
                                                     std::string_view event,
                                                     std::string_view text, std::string_view tag);
  // The record, at the world's time, to the trace; `held`: the live sinks already have it.
  void emit_trace(std::string_view kind, char level, std::string_view event,
                  std::string_view text, std::string_view tag, bool held);

  World& world_;
  NodeId id_;
  const WallClock& clock_;  // its node's; now() and unix_us() are inline: Sentinel reads the
                            // clock a dozen times per instance per tick
  Time busy_until_;  // while busy(): when the blocking time ends; kTimeZero otherwise
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
  void stall_until(NodeId node, Time end);
  void unstall_if_due(NodeId node, uint32_t incarnation);
  // Env::busy's part: blocking time, what the process does meanwhile, and the end of it.
  void busy(NodeId node, Duration d);
  void after_busy(NodeId node, std::function<void()> action);
  void end_busy(NodeId node, uint32_t incarnation);
  void close_socket(NodeId node, SocketId socket);

  EventQueue queue_;
  Rng rng_;
  Trace trace_;
  Network network_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::map<std::string, NodeId, std::less<>> by_name_;
  std::vector<std::unique_ptr<Process>> exited_;  // destroyed once their last call returns
  int64_t epoch_unix_us_ = kDefaultEpochUnixUs;
};

inline Time Env::now() const { return std::max(world_.queue_.now(), busy_until_); }

inline int64_t Env::unix_us() const { return clock_.unix_us(now(), world_.epoch_unix_us_); }

inline void Env::send(SocketId socket, std::string_view bytes) {
  if (deferring()) [[unlikely]] return send_after_busy(socket, bytes);
  world_.network_.send(socket, bytes);
}

template <typename F>
TimerId Env::after(Duration delay, F&& fn) {
  if (deferring()) [[unlikely]] delay += now() - world_.queue().now();
  return world_.queue().after(delay, std::forward<F>(fn), EventOwner{id_, incarnation()});
}

}  // namespace sim
