// The test binary's main: every test runs with the Khronos validation layer (synchronization
// validation included) on, and a test during which any validation message appears fails.
#include <gtest/gtest.h>

#include "support/vulkan_env.hpp"

namespace {

class ValidationListener : public testing::EmptyTestEventListener {
  void OnTestStart(const testing::TestInfo&) override { start_ = vkc::test::validationMessages(); }
  void OnTestEnd(const testing::TestInfo&) override {
    int seen = vkc::test::validationMessages() - start_;
    if (seen > 0) {
      ADD_FAILURE() << seen << " Vulkan validation message(s) during this test; last: "
                    << vkc::test::lastValidationMessage();
    }
  }
  int start_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  testing::UnitTest::GetInstance()->listeners().Append(new ValidationListener);
  int result = RUN_ALL_TESTS();
  vkc::test::releaseSharedDevice();
  return result;
}
