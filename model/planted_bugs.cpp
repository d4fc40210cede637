#include "model/planted_bugs.h"

#ifdef REDSIM_PLANTED_BUGS
#include <atomic>

namespace model {

namespace {
// Process-wide, set by a test before its simulations start (they may run on several threads).
std::atomic<PlantedBug> g_planted{PlantedBug::kNone};
}  // namespace

void plant_bug(PlantedBug bug) { g_planted.store(bug, std::memory_order_relaxed); }
bool planted(PlantedBug bug) { return g_planted.load(std::memory_order_relaxed) == bug; }

}  // namespace model
#endif
