#pragma once
// ThreadSanitizer annotations for hand-offs through Debian's oneTBB, whose
// compiled scheduler (libtbb.so) is not instrumented: TSan cannot see the
// synchronisation that publishes a task to a worker, so it would report the
// task's own data as racing. These annotations state that hand-off
// explicitly; they compile to nothing without TSan.
#include <utility>

#if defined(__SANITIZE_THREAD__)
#define APB_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define APB_TSAN 1
#endif
#endif

#ifdef APB_TSAN
extern "C" {
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
void __tsan_ignore_thread_begin();
void __tsan_ignore_thread_end();
}
#endif

namespace apb::detail {

// Everything this thread wrote before is visible to a later tsan_acquire
// of the same address on another thread.
inline void tsan_release([[maybe_unused]] void* addr) {
#ifdef APB_TSAN
  __tsan_release(addr);
#endif
}
inline void tsan_acquire([[maybe_unused]] void* addr) {
#ifdef APB_TSAN
  __tsan_acquire(addr);
#endif
}

// One process-wide token for work handed to oneTBB algorithms: the caller
// publishes before parallel_for/parallel_reduce and receives after it; each
// task body receives first and publishes last. Its address is global so a
// body can use it before reading anything from its (copied) closure.
inline char tbb_handoff_token = 0;
inline void tsan_publish_to_tbb() { tsan_release(&tbb_handoff_token); }
inline void tsan_receive_from_tbb() { tsan_acquire(&tbb_handoff_token); }

// A task body's side of that hand-off: receives on entry and publishes on
// every way out (early returns and exceptions included).
class TbbTaskScope {
 public:
  TbbTaskScope() { tsan_receive_from_tbb(); }
  ~TbbTaskScope() { tsan_publish_to_tbb(); }
  TbbTaskScope(const TbbTaskScope&) = delete;
  TbbTaskScope& operator=(const TbbTaskScope&) = delete;
};

// A oneTBB algorithm's body (parallel_for, parallel_reduce): oneTBB copies
// it into its task objects, and again when a worker splits a range, after
// the caller published; the worker that steals the task reads that copy. So
// every copy receives before reading its source and publishes once written,
// and every call runs in a TbbTaskScope.
template <class F>
class TbbBody {
 public:
  explicit TbbBody(F f) : f_(std::move(f)) { tsan_publish_to_tbb(); }
  TbbBody(const TbbBody& other) : f_(received(other.f_)) {
    tsan_publish_to_tbb();
  }
  TbbBody& operator=(const TbbBody&) = delete;

  template <class... Args>
  decltype(auto) operator()(Args&&... args) const {
    const TbbTaskScope handoff;
    return f_(std::forward<Args>(args)...);
  }

 private:
  static const F& received(const F& f) {
    tsan_receive_from_tbb();
    return f;
  }
  F f_;
};

// Memory accesses of this thread are not tracked while alive: for the
// task-object construction inside oneTBB's enqueue, which libtbb publishes.
class TsanIgnoreScope {
 public:
  TsanIgnoreScope() {
#ifdef APB_TSAN
    __tsan_ignore_thread_begin();
#endif
  }
  ~TsanIgnoreScope() {
#ifdef APB_TSAN
    __tsan_ignore_thread_end();
#endif
  }
  TsanIgnoreScope(const TsanIgnoreScope&) = delete;
  TsanIgnoreScope& operator=(const TsanIgnoreScope&) = delete;
};

}  // namespace apb::detail
