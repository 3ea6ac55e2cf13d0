#pragma once
// Host work spread over the cores: pipeline creation (drivers compile concurrently) and weight
// packing (independent per layer).
#include <cstddef>
#include <functional>

namespace vkc::util {

// Runs work(i) for every i in [0, count) on one thread per core (at most 8; the calling thread is
// one of them), each taking the next index. done(i), when given, runs after each work(i) that
// returned, one call at a time (under a lock), from whichever thread ran it. After the first
// exception no further index is started; it is rethrown once every thread has stopped.
void parallelFor(size_t count, const std::function<void(size_t)>& work,
                 const std::function<void(size_t)>& done = {});

}  // namespace vkc::util
