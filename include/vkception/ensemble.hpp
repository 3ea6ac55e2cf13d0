#pragma once
// Several Networks (and several crops of each image) as one program: every member recorded into
// the same command buffer, each with its own input normalisation, their softmax probabilities
// averaged on the GPU (weighted over members, equally over an image's crops); one upload of the
// 8-bit crops and one download of the averages per batch.
//
//   vkc::Ensemble ensemble({{&v4, 1.0f}, {&irv2, 3.0f}}, 144);
//   std::vector<float> p = ensemble.runImages(crops.data(), images);  // [images, classes]
#include <memory>
#include <vector>

#include "vkception/vkception.hpp"

namespace vkc {

struct EnsembleMember {
  Network* network = nullptr;  // must outlive the Ensemble
  float weight = 1.0f;         // relative (scaled to sum to 1); positive
};

class Ensemble {
 public:
  // Members on one Context, of one precision, with the same input size and class count (their
  // mean/std may differ; at most 16). `cropsPerImage`: consecutive rows averaged per image.
  Ensemble(const std::vector<EnsembleMember>& members, int cropsPerImage = 1);
  ~Ensemble();
  Ensemble(Ensemble&&) noexcept;
  Ensemble& operator=(Ensemble&&) noexcept;

  int inputSize() const;
  int numClasses() const;
  int cropsPerImage() const;

  // `pixels`: images x cropsPerImage() crops of S x S x 3 bytes (vkc::makeCrops' layout).
  // Returns images x numClasses() mean probabilities.
  std::vector<float> runImages(const uint8_t* pixels, int images);
  void runImages(const uint8_t* pixels, int images, float* probabilities);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vkc
