#include "sim/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

namespace sim {

// Aligned, with what every event routed to the node reads first: its process, its state,
// its Env, and what a trace record takes from it (clock, name, address) in two cache lines.
struct alignas(64) World::Node {
  Node(World& world, NodeId id, NodeSpec spec)
      : env(world, id, clock),
        name(std::move(spec.name)),
        addr_text(spec.addr.port == 0 ? spec.addr.host : spec.addr.to_string()),
        addr(std::move(spec.addr)),
        factory(std::move(spec.factory)) {}
  // The process goes first: it may still use its Env and disk (declared after it) as it dies.
  ~Node() { process.reset(); }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  std::unique_ptr<Process> process;
  uint32_t incarnation = 0;
  bool alive = false;
  bool paused = false;
  bool host_down = false;
  bool stalled = false;
  Time stalled_until;  // stall() and busy(): the latest end asked for
  Env env;
  WallClock clock;
  std::string name;
  std::string addr_text;
  Address addr;
  ProcessFactory factory;
  Disk disk;
  std::vector<InlineFunction> deferred;  // due while frozen, in the order they came due
  // Sockets whose input arrived while frozen and is not yet handed to the process (its
  // on_readable is among `deferred`): closing one of them resets the peer.
  std::vector<SocketId> unread;
  std::vector<std::function<void()>> after_busy;  // what the process did after busy()
  std::map<std::string, Rng, std::less<>> streams;
};

void Process::on_terminate() { env_.exit(); }

World::World(uint64_t seed) : rng_(seed), network_(queue_, rng_, *this) {
  queue_.set_gate(this);
}

World::~World() = default;

NodeId World::add_node(NodeSpec spec) {
  assert(by_name_.find(spec.name) == by_name_.end() && "node names are unique");
  auto id = static_cast<NodeId>(nodes_.size());
  network_.add_node(id, spec.addr, spec.name);
  by_name_.emplace(spec.name, id);
  nodes_.push_back(std::make_unique<Node>(*this, id, std::move(spec)));
  return id;
}

NodeId World::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? kNoNode : it->second;
}

const std::string& World::name(NodeId node) const { return nodes_[node]->name; }
const Address& World::address(NodeId node) const { return nodes_[node]->addr; }
bool World::alive(NodeId node) const { return nodes_[node]->alive; }
bool World::paused(NodeId node) const { return nodes_[node]->paused; }
bool World::host_is_down(NodeId node) const { return nodes_[node]->host_down; }
Process* World::process(NodeId node) const { return nodes_[node]->process.get(); }
Env& World::env(NodeId node) { return nodes_[node]->env; }
const Env& World::env(NodeId node) const { return nodes_[node]->env; }
Disk& World::disk(NodeId node) { return nodes_[node]->disk; }
bool World::frozen(const Node& n) const { return n.paused || n.host_down || n.stalled; }

// ---------------------------------------------------------------------------------------
// Lifecycle

void World::start(NodeId node) {
  Node& n = *nodes_[node];
  if (n.alive) return;
  ++n.incarnation;
  n.alive = true;
  n.paused = false;
  n.stalled = false;
  n.stalled_until = kTimeZero;
  n.env.busy_until_ = kTimeZero;
  n.streams.clear();
  n.process = n.factory(n.env);
  n.process->start();
}

void World::stop(NodeId node, CloseReason peers_see) {
  Node& n = *nodes_[node];
  if (!n.alive) return;
  n.alive = false;
  n.paused = false;
  n.deferred.clear();
  n.env.busy_until_ = kTimeZero;
  n.after_busy.clear();
  // Input it never read makes Linux reset those connections, even on a clean exit.
  for (SocketId s : n.unread) network_.abort(s);
  n.unread.clear();
  network_.close_node(node, peers_see);
  // The process may be the caller (exit from its own handler): destroy it after the event.
  if (exited_.empty()) queue_.after(Duration{}, [this] { exited_.clear(); });
  exited_.push_back(std::move(n.process));
}

void World::crash(NodeId node) { stop(node, CloseReason::kReset); }

void World::terminate(NodeId node) {
  dispatch(node, [this, node] { nodes_[node]->process->on_terminate(); });
}

void World::pause(NodeId node) {
  if (nodes_[node]->alive) nodes_[node]->paused = true;
}

void World::resume(NodeId node) {
  nodes_[node]->paused = false;
  thaw_if_ready(node);
}

void World::host_down(NodeId node) {
  nodes_[node]->host_down = true;
  network_.set_isolated(node, true);
}

void World::host_up(NodeId node) {
  nodes_[node]->host_down = false;
  network_.set_isolated(node, false);
  thaw_if_ready(node);
}

void World::thaw_if_ready(NodeId node) {
  Node& n = *nodes_[node];
  if (frozen(n) || !n.alive) return;
  // Overdue timers and queued socket events run now, in the order they came due.
  EventOwner owner{node, n.incarnation};
  for (InlineFunction& fn : n.deferred) queue_.schedule(queue_.now(), std::move(fn), owner);
  n.deferred.clear();
}

// A stall counts from when the process is done with its current event (after any busy time).
void World::stall(NodeId node, Duration d) {
  Node& n = *nodes_[node];
  Time end = std::max(queue_.now(), n.env.busy_until_) + d;
  stall_until(node, end);
  uint32_t incarnation = n.incarnation;
  queue_.schedule(end, [this, node, incarnation] { unstall_if_due(node, incarnation); });
}

void World::stall_until(NodeId node, Time end) {
  Node& n = *nodes_[node];
  n.stalled = true;
  n.stalled_until = std::max(n.stalled_until, end);
}

// Ends the stall unless a later one (a stall and a busy time may overlap) is still running.
void World::unstall_if_due(NodeId node, uint32_t incarnation) {
  Node& n = *nodes_[node];
  if (n.incarnation != incarnation || queue_.now() < n.stalled_until) return;
  n.stalled = false;
  thaw_if_ready(node);
}

void World::busy(NodeId node, Duration d) {
  Node& n = *nodes_[node];
  if (!n.alive || d.us <= 0) return;
  bool ending_scheduled = n.env.deferring();
  n.env.busy_until_ = std::max(queue_.now(), n.env.busy_until_) + d;
  stall_until(node, n.env.busy_until_);
  // What it sent earlier in this event leaves at the end too (its output buffers are written
  // after the event's processing, the fsync included).
  network_.hold_back(node, queue_.executed(), n.env.busy_until_ - queue_.now());
  if (ending_scheduled) return;  // end_busy follows the end as it moves
  uint32_t incarnation = n.incarnation;
  queue_.schedule(n.env.busy_until_, [this, node, incarnation] { end_busy(node, incarnation); });
}

void World::after_busy(NodeId node, std::function<void()> action) {
  nodes_[node]->after_busy.push_back(std::move(action));
}

// The blocking time has passed: what the process did after busy() happens now, in order, then
// the input and timers that waited meanwhile run.
void World::end_busy(NodeId node, uint32_t incarnation) {
  Node& n = *nodes_[node];
  if (!n.alive || n.incarnation != incarnation) return;
  if (queue_.now() < n.env.busy_until_) {  // busy() again since this was scheduled
    queue_.schedule(n.env.busy_until_, [this, node, incarnation] { end_busy(node, incarnation); });
    return;
  }
  n.env.busy_until_ = kTimeZero;
  std::vector<std::function<void()>> actions = std::move(n.after_busy);
  n.after_busy.clear();
  for (std::function<void()>& action : actions) {
    action();
    if (!n.alive) return;  // it exited
  }
  unstall_if_due(node, incarnation);
}

void World::jump_clock(NodeId node, Duration by) { nodes_[node]->clock.jump(by); }

void World::set_clock_drift(NodeId node, int64_t ppm) {
  nodes_[node]->clock.set_drift(queue_.now(), ppm);
}

// ---------------------------------------------------------------------------------------
// Routing events to processes

EventQueue::Gate::Verdict World::admit(EventOwner owner) {
  const Node& n = *nodes_[owner.node];
  if (!n.alive || n.incarnation != owner.incarnation) return Verdict::kDrop;
  return frozen(n) ? Verdict::kDefer : Verdict::kRun;
}

void World::defer(EventOwner owner, InlineFunction fn) {
  nodes_[owner.node]->deferred.push_back(std::move(fn));
}

template <typename F>
void World::dispatch(NodeId node, F&& call) {
  Node& n = *nodes_[node];
  if (!n.alive) return;
  if (frozen(n)) {
    n.deferred.emplace_back(std::forward<F>(call));
    return;
  }
  call();
}

void World::on_connected(NodeId node, SocketId socket) {
  dispatch(node, [this, node, socket] { nodes_[node]->process->on_connected(socket); });
}

void World::on_accepted(NodeId node, SocketId socket) {
  dispatch(node, [this, node, socket] { nodes_[node]->process->on_accepted(socket); });
}

// As dispatch(), and a socket whose input waits for a frozen process is marked unread until
// the process gets it: a close meanwhile resets the peer (close_socket).
void World::on_readable(NodeId node, SocketId socket) {
  Node& n = *nodes_[node];
  if (!n.alive) return;
  if (frozen(n)) [[unlikely]] {
    if (std::find(n.unread.begin(), n.unread.end(), socket) == n.unread.end()) {
      n.unread.push_back(socket);
    }
    n.deferred.emplace_back([this, node, socket] {
      Node& k = *nodes_[node];
      std::erase(k.unread, socket);
      k.process->on_readable(socket);
    });
    return;
  }
  n.process->on_readable(socket);
}

void World::close_socket(NodeId node, SocketId socket) {
  const std::vector<SocketId>& unread = nodes_[node]->unread;
  if (!unread.empty() && std::find(unread.begin(), unread.end(), socket) != unread.end()) {
    network_.abort(socket);
  } else {
    network_.close(socket);
  }
}

void World::on_closed(NodeId node, SocketId socket, CloseReason reason) {
  dispatch(node,
           [this, node, socket, reason] { nodes_[node]->process->on_closed(socket, reason); });
}

// ---------------------------------------------------------------------------------------
// Env

const std::string& Env::name() const { return world_.nodes_[id_]->name; }
const Address& Env::address() const { return world_.nodes_[id_]->addr; }
uint32_t Env::incarnation() const { return world_.nodes_[id_]->incarnation; }

void Env::cancel(TimerId timer) { world_.queue_.cancel(timer); }
bool Env::listen(const Address& addr) { return world_.network_.listen(id_, addr); }
std::string_view Env::readable(SocketId s) const { return world_.network_.readable(s); }
void Env::consume(SocketId s, size_t n) { world_.network_.consume(s, n); }
size_t Env::unsent(SocketId s) const { return world_.network_.unsent(s); }

SocketId Env::connect(const Address& target) {
  return world_.network_.connect(id_, target, now() - world_.queue_.now());
}

// Each deferring path is a function of its own, kept out of line, so that the usual path of
// send() (inline, in world.h) and trace() stays as small as it was without busy().
void Env::send_after_busy(SocketId s, std::string_view bytes) {
  world_.after_busy(id_, [this, s, bytes = std::string(bytes)] { send(s, bytes); });
}

void Env::close(SocketId s) {
  if (deferring()) [[unlikely]] {
    world_.after_busy(id_, [this, s] { close(s); });
    return;
  }
  world_.close_socket(id_, s);
}

const Address& Env::peer_address(SocketId s) const { return world_.network_.peer_address(s); }
const Address& Env::local_address(SocketId s) const { return world_.network_.local_address(s); }
Disk& Env::disk() { return world_.nodes_[id_]->disk; }
const Disk& Env::disk() const { return world_.nodes_[id_]->disk; }
void Env::stall(Duration d) { world_.stall(id_, d); }
void Env::busy(Duration d) { world_.busy(id_, d); }

void Env::exit() {
  if (deferring()) [[unlikely]] {
    world_.after_busy(id_, [this] { exit(); });
    return;
  }
  world_.stop(id_, CloseReason::kEof);
}

Rng& Env::rng(std::string_view purpose) {
  World::Node& n = *world_.nodes_[id_];
  auto it = n.streams.find(purpose);
  if (it == n.streams.end()) {
    std::string stream = fmt::format("{}/{}/{}", n.name, n.incarnation, purpose);
    it = n.streams.emplace(std::string(purpose), world_.rng_.derive(stream)).first;
  }
  return it->second;
}

void Env::trace(std::string_view kind, char level, std::string_view event,
                std::string_view text, std::string_view tag) {
  if (deferring()) [[unlikely]] return trace_after_busy(kind, level, event, text, tag);
  emit_trace(kind, level, event, text, tag, false);
}

void Env::emit_trace(std::string_view kind, char level, std::string_view event,
                     std::string_view text, std::string_view tag, bool held) {
  const World::Node& n = *world_.nodes_[id_];
  Time now = world_.queue_.now();  // not busy: the process's clock is the world's
  world_.trace_.emit(TraceRecord{now, n.name, n.addr_text, kind, level, event, text,
                                 n.clock.unix_us(now, world_.epoch_unix_us_), tag},
                     held);
}

void Env::trace_after_busy(std::string_view kind, char level, std::string_view event,
                           std::string_view text, std::string_view tag) {
  const World::Node& n = *world_.nodes_[id_];
  world_.trace_.emit_live(TraceRecord{now(), n.name, n.addr_text, kind, level, event, text,
                                      unix_us(), tag});
  world_.after_busy(id_, [this, kind = std::string(kind), level, event = std::string(event),
                          text = std::string(text), tag = std::string(tag)] {
    emit_trace(kind, level, event, text, tag, true);
  });
}

}  // namespace sim
