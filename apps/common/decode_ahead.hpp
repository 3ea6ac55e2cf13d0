#pragma once
// Work on a list of files done by a pool of threads ahead of its use, handed out in the list's
// order: vkc-classify and vkc-view decode and preprocess images with it while the GPU runs the
// batch before. At most `ahead` results wait at any time (bounded memory); a file whose work
// threw has its message in place of a value, so one bad file never stops the others.
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace vkc::app {

// Worker threads for decoding: one per hardware thread (at least 1).
inline int decodeThreads() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

template <class T>
class DecodeAhead {
 public:
  struct Result {
    std::string path;
    std::optional<T> value;  // empty: `error` says why (vkc::Error's message names the file)
    std::string error;
  };
  using Work = std::function<T(const std::string& path)>;

  // Starts `threads` workers on `work(paths[i])`; they stay at most `ahead` results (>= 1)
  // in front of next(). `work` runs on those threads, several at once.
  DecodeAhead(std::vector<std::string> paths, Work work, int threads, size_t ahead)
      : paths_(std::move(paths)),
        work_(std::move(work)),
        slots_(std::max<size_t>(1, std::min(ahead, paths_.size()))) {
    const size_t n = std::min(paths_.size(), size_t(std::max(1, threads)));
    for (size_t t = 0; t < n; ++t)
      threads_.emplace_back([this] { workerLoop(); });
  }
  // Work not yet taken is dropped; work in progress finishes first (its result is discarded).
  ~DecodeAhead() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    space_.notify_all();
    for (std::thread& t : threads_)
      t.join();
  }
  DecodeAhead(const DecodeAhead&) = delete;
  DecodeAhead& operator=(const DecodeAhead&) = delete;

  // size(), done() and next() are for one thread, the one that uses the results.
  size_t size() const { return paths_.size(); }
  // Whether next() has handed out every path's result.
  bool done() const { return taken_ == paths_.size(); }
  // The next path's result, in the order of `paths`, waiting for it if need be. Not after done().
  Result next() {
    std::unique_lock<std::mutex> lock(mutex_);
    Slot& slot = slots_[taken_ % slots_.size()];
    ready_.wait(lock, [&] { return slot.full; });
    Result r = std::move(slot.result);
    slot.full = false;
    ++taken_;
    lock.unlock();
    space_.notify_all();
    return r;
  }

 private:
  struct Slot {
    bool full = false;
    Result result;
  };
  void workerLoop() {
    for (;;) {
      size_t i;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        space_.wait(lock, [&] {
          return stopping_ || started_ == paths_.size() || started_ < taken_ + slots_.size();
        });
        if (stopping_ || started_ == paths_.size()) return;
        i = started_++;
      }
      Result r{paths_[i], std::nullopt, {}};
      try {
        r.value.emplace(work_(paths_[i]));
      } catch (const std::exception& e) {
        r.error = e.what();
      } catch (...) {
        r.error = paths_[i] + ": unknown error";
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        // Slot i % size is free: index i - size was taken before i could start.
        Slot& slot = slots_[i % slots_.size()];
        slot.result = std::move(r);
        slot.full = true;
      }
      ready_.notify_all();
    }
  }

  const std::vector<std::string> paths_;
  const Work work_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::vector<Slot> slots_;
  size_t started_ = 0, taken_ = 0;  // paths given to a worker; results handed out
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace vkc::app
