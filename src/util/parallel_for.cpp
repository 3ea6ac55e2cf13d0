#include "util/parallel_for.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace vkc::util {

void parallelFor(size_t count, const std::function<void(size_t)>& work,
                 const std::function<void(size_t)>& done) {
  if (count == 0) return;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // the error and the done calls
  std::exception_ptr error;
  auto worker = [&] {
    for (size_t i = next++; i < count && !failed.load(); i = next++) {
      try {
        work(i);
        if (done) {
          std::lock_guard<std::mutex> lock(mutex);
          done(i);
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        failed.store(true);
      }
    }
  };
  const size_t threads =
      std::min<size_t>({std::max(1u, std::thread::hardware_concurrency()), count, 8});
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool)
    t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace vkc::util
