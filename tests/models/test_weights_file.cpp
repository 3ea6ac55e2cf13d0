// The file-loading path end to end: the golden detweights are written to a real safetensors
// file, loaded through the public API (vkc::Network::load) and run with its defaults (memory
// reuse on), and the logits must match the float64 reference like test_golden.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "api/impl.hpp"
#include "io/detweights.hpp"
#include "io/safetensors.hpp"
#include "support/golden.hpp"
#include "vkception/vkception.hpp"

namespace vkc::test {
namespace {

const char* kModel = "inception_resnet_v1";

// Every float tensor of the upstream state dict, with its detweights values.
std::vector<io::NamedTensor> goldenTensors() {
  std::vector<io::NamedTensor> tensors;
  for (const auto& t : readJson(goldenDir(kModel) + "/tensors.json")) {
    if (!t["detweights"].get<bool>()) continue;  // num_batches_tracked
    io::NamedTensor named{t["name"], t["shape"].get<std::vector<int64_t>>(), {}};
    named.data = io::detweightsTensor(named.name, named.shape);
    tensors.push_back(std::move(named));
  }
  return tensors;
}

// A file in the test's temp dir, removed at the end of the test.
class WeightsFileTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::path(testing::TempDir()) /
             (std::string("vkc_") + testing::UnitTest::GetInstance()->current_test_info()->name() +
              ".safetensors"))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::string path_;
};

TEST_F(WeightsFileTest, LoadsGoldenWeightsAndMatchesReference) {
  io::writeSafetensorsF32(path_, goldenTensors());
  Context context(ContextOptions{-1, true});
  Network net = Network::load(context, kModel, {path_});
  ASSERT_EQ(net.inputSize(), 299);
  ASSERT_EQ(net.numClasses(), 1000);
  const int batch = 2;
  auto input = io::detweightsInput({batch, 3, 299, 299});
  std::vector<float> logits = net.run(input.data(), batch);

  // Within kFp32LogitBound (support/golden.hpp says why).
  auto golden = readF64(goldenDir(kModel) + "/logits.f64");
  const TensorError error = compareTensors(golden, logits);
  std::printf("[ weights file ] %s: %s\n", kModel, describe(error).c_str());
  EXPECT_TRUE(withinRelative(error, kFp32LogitBound));

  // This context is not the shared test device, so check its validation messages here.
  EXPECT_EQ(context.validationMessageCount(), 0) << context.lastValidationMessage();
}

TEST_F(WeightsFileTest, MismatchNamesBothTensors) {
  std::vector<io::NamedTensor> tensors = goldenTensors();
  const std::string reshaped = "repeat_2.3.branch1.1.conv.weight";
  const std::string removed = "mixed_7a.branch2.2.bn.running_var";
  bool found = false;
  for (auto& t : tensors) {
    if (t.name == reshaped) {  // [128, 128, 1, 7] -> [128, 128, 7, 1]: same size, wrong shape
      ASSERT_EQ(t.shape.size(), 4u);
      std::swap(t.shape[2], t.shape[3]);
      found = true;
    }
  }
  ASSERT_TRUE(found) << reshaped << " is not in tensors.json";
  auto it = std::find_if(tensors.begin(), tensors.end(),
                         [&](const io::NamedTensor& t) { return t.name == removed; });
  ASSERT_NE(it, tensors.end()) << removed << " is not in tensors.json";
  tensors.erase(it);
  io::writeSafetensorsF32(path_, tensors);

  Context context(ContextOptions{-1, true});
  try {
    Network::load(context, kModel, {path_});
    FAIL() << "a mismatched weights file loaded";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(reshaped), std::string::npos) << message;
    EXPECT_NE(message.find(removed), std::string::npos) << message;
    EXPECT_NE(message.find(path_), std::string::npos) << message;
    // The reshaped convolution weight is listed once, not once per look-up.
    const size_t first = message.find(reshaped);
    EXPECT_EQ(message.find(reshaped, first + 1), std::string::npos) << message;
    // No metadata in this file: nothing said about another model.
    EXPECT_EQ(message.find("metadata says"), std::string::npos) << message;
  }
}

// The bundled Fashion-MNIST weights (metadata "vkception.model" = inception_resnet_v2) loaded
// as another model: the error names the model the file declares, and no line twice.
TEST_F(WeightsFileTest, WrongModelNamesTheModelItsMetadataDeclares) {
  const std::string bundled = assetsDir() + "/fashion_mnist_irv2.safetensors";
  Context context(ContextOptions{-1, true});
  try {
    Network::load(context, "inception_v4", {bundled});
    FAIL() << "inception_resnet_v2 weights loaded as inception_v4";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("this file's metadata says it is for inception_resnet_v2, not "
                           "inception_v4"),
              std::string::npos)
        << message;
    std::set<std::string> lines;
    std::istringstream in(message);
    for (std::string line; std::getline(in, line);)
      EXPECT_TRUE(lines.insert(line).second) << "listed twice: " << line << "\n" << message;
    EXPECT_EQ(e.code(), ErrorCode::BadInputFile);
  }
}

}  // namespace
}  // namespace vkc::test
