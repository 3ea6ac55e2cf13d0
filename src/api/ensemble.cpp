#include "vkception/ensemble.hpp"

#include <algorithm>

#include "api/impl.hpp"
#include "graph/ensemble_graph.hpp"

namespace vkc {

struct Ensemble::Impl {
  vk::Device* device = nullptr;
  ops::Precision precision = ops::Precision::Fp32;
  bool atOnce = false;  // the first member's (StartMode::AtOnce)
  int crops = 1;
  // Crops averaged per row of the program's output: all of an image's, or where they do not fit
  // one binding, an equal share of them (the shares' means are then averaged on the host).
  int cropsPerRun = 1;
  int maxRuns = 1;  // output rows per submit
  int classes = 0, inputSize = 0;
  std::vector<graph::EnsembleMemberGraph> memberGraphs;
  graph::Graph graph;
  std::unique_ptr<graph::WeightStore> weights;
  std::map<int, std::unique_ptr<graph::Program>> programs;  // by output rows

  graph::Program& program(int runs) {
    auto& slot = programs[runs];
    if (!slot) {
      if (programs.size() > 2)
        programs.erase(programs.begin()->first == runs ? std::next(programs.begin())
                                                       : programs.begin());
      graph::ProgramOptions options;
      options.imageInput = true;
      options.normalization = {{0.0f, 0.0f, 0.0f}, {1.0f, 1.0f, 1.0f}};  // members normalise
      options.precision = precision;
      options.atOnce = atOnce;
      programs[runs] =
          std::make_unique<graph::Program>(*device, graph, *weights, runs * cropsPerRun, options);
    }
    return *programs[runs];
  }
};

Ensemble::Ensemble(const std::vector<EnsembleMember>& members, int cropsPerImage)
    : impl_(std::make_unique<Impl>()) {
  if (members.empty()) throw Error("an ensemble needs at least one member", ErrorCode::BadArgument);
  if (cropsPerImage < 1) {
    throw Error("crops per image must be at least 1, got " + std::to_string(cropsPerImage),
                ErrorCode::BadArgument);
  }
  std::vector<const graph::WeightStore*> stores;
  for (const EnsembleMember& m : members) {
    if (m.network == nullptr) throw Error("ensemble member is null", ErrorCode::BadArgument);
    const Network::Impl& net = *m.network->impl_;
    if (impl_->device == nullptr) {
      impl_->device = net.device;
      impl_->precision = net.precision;
      impl_->atOnce = net.atOnce;
    }
    if (net.device != impl_->device) {
      throw Error("ensemble members must share one Context", ErrorCode::BadArgument);
    }
    if (net.precision != impl_->precision) {
      throw Error("ensemble members must have one precision", ErrorCode::BadArgument);
    }
    impl_->memberGraphs.push_back({&net.model.graph, net.normalization, m.weight});
    stores.push_back(net.weights.get());
  }
  impl_->device->throwIfLost();
  impl_->crops = cropsPerImage;
  impl_->weights = std::make_unique<graph::WeightStore>(stores);
  impl_->graph = graph::ensembleGraph(impl_->memberGraphs, cropsPerImage);
  const int largest = graph::largestBatch(impl_->graph, impl_->device->info(), impl_->precision);
  impl_->cropsPerRun = cropsPerImage;
  if (cropsPerImage > largest) {
    while (cropsPerImage % impl_->cropsPerRun != 0 || impl_->cropsPerRun > largest)
      --impl_->cropsPerRun;
    impl_->graph = graph::ensembleGraph(impl_->memberGraphs, impl_->cropsPerRun);
  }
  impl_->maxRuns = std::max(1, largest / impl_->cropsPerRun);
  const graph::Tensor& in = impl_->graph.tensors[impl_->graph.input];
  impl_->inputSize = in.height;
  impl_->classes = impl_->graph.tensors[impl_->graph.output].channels;
}

Ensemble::~Ensemble() = default;
Ensemble::Ensemble(Ensemble&&) noexcept = default;
Ensemble& Ensemble::operator=(Ensemble&&) noexcept = default;

int Ensemble::inputSize() const {
  return impl_->inputSize;
}
int Ensemble::numClasses() const {
  return impl_->classes;
}
int Ensemble::cropsPerImage() const {
  return impl_->crops;
}

void Ensemble::runImages(const uint8_t* pixels, int images, float* probabilities) {
  if (pixels == nullptr || probabilities == nullptr) {
    throw Error("Ensemble::runImages: null pixels or output", ErrorCode::BadArgument);
  }
  if (images < 1) throw Error("images must be at least 1", ErrorCode::BadArgument);
  Impl& e = *impl_;
  e.device->throwIfLost();
  const size_t classes = e.classes;
  const size_t cropBytes = size_t(3) * e.inputSize * e.inputSize;
  const int shares = e.crops / e.cropsPerRun;  // output rows per image
  const int runs = images * shares;
  std::vector<float> partial(shares > 1 ? size_t(runs) * classes : 0);
  float* out = shares > 1 ? partial.data() : probabilities;
  for (int first = 0; first < runs; first += e.maxRuns) {
    const int count = std::min(e.maxRuns, runs - first);
    graph::Program& program = e.program(count);
    program.wait(program.submitImages(pixels + size_t(first) * e.cropsPerRun * cropBytes),
                 out + size_t(first) * classes);
  }
  for (int i = 0; i < images && shares > 1; ++i) {  // equal shares: the mean of their means
    for (size_t c = 0; c < classes; ++c) {
      double sum = 0;
      for (int s = 0; s < shares; ++s)
        sum += partial[(size_t(i) * shares + s) * classes + c];
      probabilities[i * classes + c] = static_cast<float>(sum / shares);
    }
  }
}

std::vector<float> Ensemble::runImages(const uint8_t* pixels, int images) {
  std::vector<float> out(size_t(std::max(images, 0)) * impl_->classes);
  runImages(pixels, images, out.data());
  return out;
}

}  // namespace vkc
