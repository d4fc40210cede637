// Counts heap allocations made through operator new in this program, so benchmarks can show
// that the simulator's steady state allocates nothing per event.
#pragma once

#include <cstdint>

namespace tools {

uint64_t heap_allocations();

}  // namespace tools
