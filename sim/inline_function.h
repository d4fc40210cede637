// A move-only `void()` callable stored inline, never on the heap.
//
// The event queue holds one per pending event; std::function would allocate for any capture
// larger than two pointers, which the simulator's hot path cannot afford. A capture that does
// not fit is a compile error, not a silent allocation.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace sim {

class InlineFunction {
 public:
  static constexpr size_t kCapacity = 48;

  InlineFunction() = default;

  template <typename F, typename = std::enable_if_t<
                            !std::is_same_v<std::decay_t<F>, InlineFunction>>>
  InlineFunction(F&& f) {  // NOLINT: implicit on purpose, lambdas convert
    emplace(std::forward<F>(f));
  }

  // Replaces the callable with `f`, constructed in place.
  template <typename F>
  void emplace(F&& f) {
    using Fn = std::decay_t<F>;
    static_assert(sizeof(Fn) <= kCapacity, "capture too large for InlineFunction");
    static_assert(alignof(Fn) <= alignof(std::max_align_t));
    static_assert(std::is_nothrow_move_constructible_v<Fn>);
    reset();
    ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
    invoke_ = [](void* p) { (*static_cast<Fn*>(p))(); };
    // Captures of plain values (the common case) move by copying bytes and need no cleanup.
    if constexpr (!std::is_trivially_copyable_v<Fn> || !std::is_trivially_destructible_v<Fn>) {
      manage_ = [](void* dst, void* src) {
        Fn* from = static_cast<Fn*>(src);
        if (dst != nullptr) ::new (dst) Fn(std::move(*from));
        from->~Fn();
      };
    }
  }

  InlineFunction(InlineFunction&& other) noexcept { take(other); }
  InlineFunction& operator=(InlineFunction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  InlineFunction(const InlineFunction&) = delete;
  InlineFunction& operator=(const InlineFunction&) = delete;
  ~InlineFunction() { reset(); }

  explicit operator bool() const { return invoke_ != nullptr; }
  void operator()() { invoke_(storage_); }

  void reset() {
    if (manage_ != nullptr) manage_(nullptr, storage_);
    invoke_ = nullptr;
    manage_ = nullptr;
  }

 private:
  void take(InlineFunction& other) {
    if (other.invoke_ == nullptr) return;
    if (other.manage_ == nullptr) {
      std::memcpy(storage_, other.storage_, kCapacity);
    } else {
      other.manage_(storage_, other.storage_);
    }
    invoke_ = other.invoke_;
    manage_ = other.manage_;
    other.invoke_ = nullptr;
    other.manage_ = nullptr;
  }

  // The pointers come first, so that with a small capture everything a call reads shares the
  // first cache line (the event queue aligns its slots on lines).
  void (*invoke_)(void*) = nullptr;
  // Moves the callable into dst (if any) and destroys src; null for trivially copyable ones.
  void (*manage_)(void* dst, void* src) = nullptr;
  alignas(std::max_align_t) std::byte storage_[kCapacity];
};

}  // namespace sim
