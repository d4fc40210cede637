// The simulated network: TCP-like connections between nodes, with the behaviours Sentinel's
// timings depend on.
//
// Each connection has two directions. A direction's bytes move through three stages, as
// absolute stream offsets: written by the sender (its output buffer, which dies with it) ->
// in flight (handed to the "kernel", at most `window` bytes ahead of what the receiver has
// read) -> delivered (in the receiver's socket buffer) -> consumed. Delivery is ordered and
// reliable while the path is open: arrival = transmission (bandwidth) + base latency + extra
// lag + jitter, never before the previous segment's arrival.
//
// Faults:
// - no listener at a live address: the connect is refused after a round trip;
// - a cut path (partition, isolated node): nothing answers. Connects retry their SYN (1 s,
//   doubling, 6 retries, then ETIMEDOUT); bytes in flight are retransmitted on TCP's schedule
//   (RTO 200 ms, doubling, capped at 120 s) and arrive after the heal, unless 15 retries
//   pass first (ETIMEDOUT);
// - close / crash: what is in flight is still delivered, then the peer sees EOF (close) or a
//   reset (crash, abort); bytes that reach a closed socket answer with a reset. Linux also
//   resets when a socket is closed with unread input in its receive queue: which input its
//   process has read is the caller's knowledge (World tracks it), so it then calls abort().
//
// A process that blocks inside one of its events (an fsync) writes what it sent during that
// event only when the blocking time is over: Redis writes client replies in beforeSleep and
// hiredis writes commands from the event loop's write handler, both after the event's
// processing. hold_back() says so after the fact; the segments sent in that event, already
// scheduled, are delivered that much later, in order, when they come due.
//
// The network knows nothing of processes: it reports to a NetworkEvents receiver (the World),
// which decides when a node hears of it (a paused node hears on resume).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/address.h"
#include "sim/byte_queue.h"
#include "sim/event_queue.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace sim {

// One end of a connection, as its owner sees it.
struct SocketId {
  uint32_t index = UINT32_MAX;  // connection * 2 + side (0 = connecting side, 1 = accepting)
  uint32_t generation = 0;
  bool valid() const { return index != UINT32_MAX; }
  auto operator<=>(const SocketId&) const = default;
};

// For hash maps keyed by socket (to look up: iterating one would follow the hash order).
struct SocketIdHash {
  size_t operator()(SocketId s) const {
    return std::hash<uint64_t>{}(uint64_t{s.generation} << 32 | s.index);
  }
};

enum class CloseReason {
  kEof,       // the peer closed its end
  kReset,     // the peer crashed, the connection was dropped, or bytes hit a closed socket
  kRefused,   // connect: nothing listens at the address
  kTimedOut,  // connect or retransmission gave up (ETIMEDOUT)
  kLocal,     // this end was closed by its owner (never reported to the owner)
};
std::string_view to_string(CloseReason reason);

struct LinkParams {
  Duration latency = Duration::micros(100);  // one way
  Duration jitter = Duration::micros(50);    // uniform extra in [0, jitter]
  uint64_t bytes_per_second = 0;             // 0: transmission takes no time
};

class NetworkEvents {
 public:
  virtual void on_connected(NodeId node, SocketId socket) = 0;
  virtual void on_accepted(NodeId node, SocketId socket) = 0;
  virtual void on_readable(NodeId node, SocketId socket) = 0;
  // The socket is gone: connect failed, peer closed or reset, or retransmission gave up.
  virtual void on_closed(NodeId node, SocketId socket, CloseReason reason) = 0;

 protected:
  ~NetworkEvents() = default;
};

class Network {
 public:
  static constexpr size_t kDefaultWindow = 256 * 1024;  // socket buffers, both ends together

  Network(EventQueue& queue, const Rng& root_rng, NetworkEvents& events);

  // Registers a node with its address (port 0 for a node that only connects out) and its name
  // (for RNG stream names). The address's host then exists: a connect to one of its ports
  // where nothing listens is refused rather than lost. Node ids are dense, from 0.
  void add_node(NodeId node, const Address& addr, std::string_view name);

  // --- Sockets, as a process uses them ---------------------------------------------------
  bool listen(NodeId node, const Address& addr);  // false: address in use
  void unlisten(const Address& addr);
  // The SYN leaves `delay` from now (a process busy in an fsync connects when it is done).
  SocketId connect(NodeId node, const Address& target, Duration delay = {});
  void send(SocketId socket, std::string_view bytes);
  std::string_view readable(SocketId socket) const;  // delivered, not yet consumed
  void consume(SocketId socket, size_t n);
  size_t unsent(SocketId socket) const;  // bytes still in the sender's output buffer
  void close(SocketId socket);
  // Closes it as close() does, but the peer sees a reset after what is in flight (a close
  // with unread input, SO_LINGER 0).
  void abort(SocketId socket);
  bool is_open(SocketId socket) const;
  const Address& local_address(SocketId socket) const;
  const Address& peer_address(SocketId socket) const;
  NodeId owner(SocketId socket) const;

  // --- Faults --------------------------------------------------------------------------
  // Every socket of `node` closes at once: in-flight bytes still arrive, then peers see
  // `reason` (kReset for a crash, kEof for a clean exit). Its listeners go away.
  void close_node(NodeId node, CloseReason reason);
  void cut(NodeId from, NodeId to);    // packets from -> to are lost (one way)
  void uncut(NodeId from, NodeId to);  // undoes one cut()
  void heal_all();                     // removes every cut
  void set_isolated(NodeId node, bool isolated);  // no packet in or out (host down)
  bool reachable(NodeId from, NodeId to) const;
  void reset(SocketId socket);  // drop one connection: both ends see a reset
  void set_default_link(const LinkParams& params) { default_link_ = params; }
  void set_link(NodeId from, NodeId to, const LinkParams& params);
  void set_extra_lag(NodeId from, NodeId to, Duration lag);  // Duration{} removes it
  void set_window(size_t bytes) { window_ = bytes; }
  // What `node` sent during event `event` (EventQueue::executed() while it ran) leaves `by`
  // later than it was sent. A later call for the same node replaces this one.
  void hold_back(NodeId node, uint64_t event, Duration by);

  size_t open_connections() const { return open_connections_; }

 private:
  static constexpr uint64_t kNoFin = UINT64_MAX;
  static constexpr Duration kMinRto = Duration::millis(200);

  // Field order matters below: what every delivery and socket call reads comes first, so a
  // connection's hot state (header, both directions, rng) is exactly four cache lines (the
  // benchmark has 1,000 connections).
  struct Direction {
    ByteQueue bytes;  // stream bytes from `consumed` to `written`
    // Stream offsets: consumed <= delivered <= in_flight <= written.
    uint64_t consumed = 0, delivered = 0, in_flight = 0, written = 0;
    uint64_t fin_at = kNoFin;  // the sender closed: its FIN (or RST) follows this offset
    Time last_arrival;
    bool fin_delivered = false;
    bool retransmitting = false;

    void reset_to_empty() {  // keeps the byte buffer's capacity for the next connection
      ByteQueue keep = std::move(bytes);
      keep.clear();
      *this = Direction{};
      bytes = std::move(keep);
    }
  };

  // The rest of a direction's state, read only on a close, a retransmission or a link with a
  // bandwidth: kept out of Direction's cache lines.
  struct DirectionRare {
    CloseReason fin_reason = CloseReason::kEof;
    int retries = 0;
    Duration rto = kMinRto;
    Time tx_free_at;
  };

  struct alignas(64) Connection {
    uint32_t generation = 0;
    bool in_use = false;
    bool established = false;  // the connecting side has heard the SYN-ACK
    bool open[2] = {false, false};   // the side's owner still holds it
    bool known[2] = {false, false};  // the side's owner has been told the socket exists
    NodeId node[2] = {kNoNode, kNoNode};
    Direction dir[2];          // dir[s] carries bytes from side s to side 1 - s
    Rng rng{0};                // jitter draws of this connection only
    DirectionRare rare[2];     // with dir[s]
    Address addr[2];           // local address of each side
  };

  struct NodeInfo {
    Address addr;
    std::string name;
    bool isolated = false;
    uint16_t next_port = 0;  // ephemeral ports for outgoing connections
    uint64_t connects = 0;
    Duration held_by;  // hold_back()'s delay, for the event in held_event_[node]
  };
  static constexpr uint64_t kNoEvent = UINT64_MAX;  // no event held back (held_event_)


  Connection& conn(SocketId socket);
  const Connection& conn(SocketId socket) const;
  bool live(SocketId socket) const;  // the connection still exists (either end may be open)
  bool current(uint32_t index, uint32_t generation) const;  // still the same connection
  Duration transit_latency(Connection& c, int from_side, size_t bytes);
  // The rarer parts of transit_latency, out of line so that it inlines.
  const LinkParams& link(NodeId from, NodeId to) const;
  Duration extra_lag(NodeId from, NodeId to) const;
  Duration transmission_delay(DirectionRare& dir, const LinkParams& p, size_t bytes);
  void pump(uint32_t index, int from_side);
  void schedule_delivery(uint32_t index, int from_side, Time at, uint64_t end);
  void arrive_at(Time at, uint32_t index, int from_side, uint64_t end, uint64_t sent_in);
  // A segment sent in event `sent_in` (kNoEvent: already held back) comes due: delivered
  // now, or later if its sender held that event back.
  void deliver(uint32_t index, uint32_t generation, int from_side, uint64_t end,
               uint64_t sent_in);
  [[gnu::cold, gnu::noinline]] void deliver_later(uint32_t index, int from_side, uint64_t end);
  void retransmit_later(uint32_t index, int from_side);
  void syn_arrives(uint32_t index, uint32_t generation, int attempt, Time first_syn);
  void close_side(uint32_t index, int side, CloseReason peer_sees);
  void notify_closed(uint32_t index, int side, CloseReason reason);
  void release_if_done(uint32_t index);
  uint32_t allocate_connection();
  NodeId node_at(const Address& addr) const;
  static uint64_t pair_key(NodeId a, NodeId b) { return (uint64_t{a} << 32) | b; }

  EventQueue& queue_;
  Rng root_rng_;
  NetworkEvents& events_;
  LinkParams default_link_;
  size_t window_ = kDefaultWindow;
  std::vector<NodeInfo> nodes_;
  size_t isolated_nodes_ = 0;  // how many nodes_ are isolated: reachable() skips them at 0
  std::vector<uint64_t> held_event_;  // per node: the event held back (dense: read per segment)
  // Boxed so a Connection& stays valid while a callback opens new connections.
  std::vector<std::unique_ptr<Connection>> conns_;
  std::vector<uint32_t> free_conns_;
  size_t open_connections_ = 0;
  std::map<Address, NodeId> listeners_;
  std::map<Address, NodeId> node_addresses_;  // each node's own address, dead or alive
  std::unordered_map<uint64_t, LinkParams> links_;      // looked up, never iterated
  std::unordered_map<uint64_t, Duration> extra_lag_;    // looked up, never iterated
  std::unordered_map<uint64_t, int> cuts_;              // looked up, never iterated
  std::vector<std::string> hosts_;  // every host that exists (sorted, unique)
};

}  // namespace sim
