// The test binary's main: every Vulkan instance the process makes has the Khronos validation
// layer (synchronization validation included) on, VKC_VALIDATION=1 being set before anything
// else: a vk::Device or vkc::Context a test makes with default options is validated too. A test
// during which any validation message appears fails; a message outside every test (a suite's
// set-up or tear-down, the shared devices' teardown after the last test, objects the layer
// finds alive at vkDestroyDevice or vkDestroyInstance) fails the process.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "support/vulkan_env.hpp"

namespace {

class ValidationListener : public testing::EmptyTestEventListener {
 public:
  // Messages already reported as some test's failure.
  int duringTests() const { return duringTests_; }

 private:
  void OnTestStart(const testing::TestInfo&) override { start_ = vkc::test::validationMessages(); }
  void OnTestEnd(const testing::TestInfo&) override {
    int seen = vkc::test::validationMessages() - start_;
    if (seen > 0) {
      duringTests_ += seen;
      ADD_FAILURE() << seen << " Vulkan validation message(s) during this test; last: "
                    << vkc::test::lastValidationMessage();
    }
  }
  int start_ = 0;
  int duringTests_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  setenv("VKC_VALIDATION", "1", 1);
  // Loads do not self-test unless a test asks (tests/selftest/ sets SelfTestAtLoad itself).
  setenv("VKC_SELF_TEST", "off", 0);
  testing::InitGoogleTest(&argc, argv);
  auto* listener = new ValidationListener;  // owned by gtest, which outlives main's body
  testing::UnitTest::GetInstance()->listeners().Append(listener);
  int result = RUN_ALL_TESTS();
  vkc::test::releaseSharedDevice();
  const int outside = vkc::test::validationMessages() - listener->duringTests();
  if (outside > 0) {
    std::fprintf(stderr,
                 "FAILED: %d Vulkan validation message(s) outside every test (suite set-up or "
                 "tear-down, or the shared devices' teardown after the last test); last: %s\n",
                 outside, vkc::test::lastValidationMessage().c_str());
    return 1;
  }
  return result;
}
