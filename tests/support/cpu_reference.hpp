#pragma once
// The op tests' CPU references are the self-test's (src/selftest/reference.hpp): one copy, which
// shares no code with the shaders or their host-side packing.
#include "selftest/reference.hpp"

namespace vkc::test {

using selftest::fp32Bound;
using selftest::RefConv;
using selftest::referenceConv;
using selftest::referencePool;
using selftest::RefPool;
using selftest::RefResult;

}  // namespace vkc::test
