// The safetensors reader (header, tensor table, dtypes, offsets, metadata), the model config
// read from the metadata, the library's preprocessing and label-file choice from the same metadata,
// and the weight loader building the small Inception-ResNet configs from the file. Only
// vkc::Error may come out; anything else (another exception, a sanitizer report) is a finding.
#include <cstdint>

#include "api/impl.hpp"
#include "io/safetensors.hpp"
#include "io/weight_source.hpp"
#include "models/models.hpp"
#include "vkception/error.hpp"

using namespace vkc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* name = "fuzz.safetensors";
  try {
    io::SafetensorsFile file = io::SafetensorsFile::fromMemory(name, data, size);
    for (const io::TensorInfo& t : file.tensors()) {
      try {
        file.readFloat32(t.name);
      } catch (const Error&) {
      }
    }
  } catch (const Error&) {
    return 0;
  }
  std::unique_ptr<io::WeightSource> source = io::openSafetensorsWeights(name, data, size);
  for (const std::string& model : models::modelNames()) {
    try {
      const auto metadata = source->metadata();
      preprocessingFor(model, 75, metadata);
      std::vector<std::string> labels;
      findLabels("", model, name, metadata, 1000, labels);
      models::ModelConfig config = models::defaultConfig(model, *source);
      // Full-width networks zero-fill tens of millions of missing weights per input: correct,
      // but too slow to fuzz. The small configs (the bundled model's kind) run the whole loader.
      const bool small = config.widthDivisor >= 8 && config.inputSize <= 160;
      if (small && (model == "inception_resnet_v2" || model == "inception_resnet_v1")) {
        models::buildModel(model, *source, config);
      }
    } catch (const Error&) {
    }
  }
  return 0;
}
