#include "tools/alloc_count.h"

#include <atomic>
#include <cstdlib>
#include <new>

// Replacing the global operator new is the standard way to observe allocations; the counter
// is relaxed because only its total is read, after the measured work.
namespace {
std::atomic<uint64_t> g_allocations{0};

void* allocate(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace tools {

uint64_t heap_allocations() { return g_allocations.load(std::memory_order_relaxed); }

}  // namespace tools
