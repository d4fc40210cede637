// The kernel demo `redsim demo` runs (and the README's run command, until the Redis model
// lands): three ping-pong processes in a ring, through a partition, a crash and restart, and
// a pause, printed as a timeline. It shows the kernel's TCP behaviours in a dozen lines.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "sim/trace.h"

namespace tools {

// Runs the demo with `seed`, writing records to `sink` (if any); returns the trace hash.
uint64_t run_kernel_demo(uint64_t seed, sim::TraceSink* sink);

}  // namespace tools
