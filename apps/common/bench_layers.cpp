#include "common/bench_layers.hpp"

#include <cstdio>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vkception/vkception.hpp"

namespace vkc::app {

vkc::ConvKernel convKernelOption(const std::string& name) {
  if (name == "blocked") return vkc::ConvKernel::Blocked;
  if (name == "igemm") return vkc::ConvKernel::Igemm;
  if (name == "regtile") return vkc::ConvKernel::Regtile;
  return vkc::ConvKernel::Auto;
}

int benchLayersMain(const BenchOptions& o) {
  const std::vector<vkc::ConvLayer> all = {
      {"1x1_1024_384_17", 1024, 17, 17, 384, 1, 1, 1, true},
      {"1x7_192_224_17", 192, 17, 17, 224, 1, 7, 1, true},
      {"7x1_224_256_17", 224, 17, 17, 256, 7, 1, 1, true},
      {"3x3s2_384_384_35", 384, 35, 35, 384, 3, 3, 2, false},
      {"3x3_64_96_35", 64, 35, 35, 96, 3, 3, 1, true},
      {"1x1_1536_384_8", 1536, 8, 8, 384, 1, 1, 1, true},
  };
  std::vector<vkc::ConvLayer> layers;
  std::string names;
  for (const vkc::ConvLayer& l : all) {
    names += " " + l.name;
    if (o.layer.empty() || o.layer == l.name) layers.push_back(l);
  }
  if (layers.empty()) {
    std::fprintf(stderr, "vkc-bench: no layer '%s'; the layers:%s\n", o.layer.c_str(),
                 names.c_str());
    return 2;
  }
  const std::vector<int> batches = o.batch ? std::vector<int>{o.batch} : std::vector<int>{1, 8, 32};
  const std::vector<std::string> families =
      o.convKernel == "auto" ? std::vector<std::string>{"blocked", "igemm", "regtile"}
                             : std::vector<std::string>{o.convKernel};
  try {
    nlohmann::json rows = nlohmann::json::array();
    double peak = 0;
    std::string device;
    bool header = false;
    for (const std::string& family : families) {
      vkc::ContextOptions co;
      co.device = o.device;
      co.convKernel = convKernelOption(family);
      vkc::Context context(co);
      if (device.empty()) {
        device = context.device().name;
        if (o.peak) peak = context.measurePeakGflops(vkc::Precision::Fp32);
      }
      for (const vkc::ConvLayer& l : layers) {
        for (int batch : batches) {
          const vkc::ConvLayerTiming t = context.benchmarkConvolution(l, batch, o.runs);
          const double gflops = t.gflop / (t.ms * 1e-3);
          std::string tile;
          if (t.tileM) tile = std::to_string(t.tileM) + "x" + std::to_string(t.tileN);
          if (t.tileK) tile += "x" + std::to_string(t.tileK);
          nlohmann::json row{
              {"layer", l.name},
              {"in_channels", l.inChannels},
              {"in_height", l.height},
              {"in_width", l.width},
              {"out_channels", l.outChannels},
              {"out_height", t.outHeight},
              {"out_width", t.outWidth},
              {"kernel", std::to_string(l.kernelH) + "x" + std::to_string(l.kernelW)},
              {"stride", l.stride},
              {"padding", l.samePadding ? "same" : "valid"},
              {"batch", batch},
              {"family", family},
              {"route", t.route},
              {"tile", tile},
              {"split_k", t.splitK},
              {"ms", t.ms},
              {"gflop", t.gflop},
              {"gflops", gflops},
              {"timing", t.gpuTimestamps ? "gpu_timestamps" : "host_wall"}};
          if (peak > 0) row["fraction_of_peak"] = gflops / peak;
          rows.push_back(row);
          if (o.json) continue;
          if (!header) {
            std::printf("per-layer convolutions on %s, fp32, min of %d runs (%s)%s\n",
                        device.c_str(), o.runs,
                        t.gpuTimestamps ? "GPU timestamps"
                                        : "host wall time of submit and wait, with transfers",
                        peak > 0 ? "" : "; --peak for the fraction of the probe");
            if (peak > 0) std::printf("fp32 peak (probe): %.1f GFLOP/s\n", peak);
            std::printf("  %-18s %-22s %5s %-7s %-9s %-10s %5s %9s %9s%s\n", "layer", "shape",
                        "batch", "family", "route", "tile", "split", "ms", "GFLOP/s",
                        peak > 0 ? "  of peak" : "");
            header = true;
          }
          char shape[64];
          std::snprintf(shape, sizeof shape, "%dx%dx%d->%dx%dx%d", l.inChannels, l.height, l.width,
                        l.outChannels, t.outHeight, t.outWidth);
          std::printf("  %-18s %-22s %5d %-7s %-9s %-10s %5d %9.3f %9.1f", l.name.c_str(), shape,
                      batch, family.c_str(), t.route.c_str(), tile.empty() ? "-" : tile.c_str(),
                      t.splitK, t.ms, gflops);
          if (peak > 0) std::printf("  %6.1f%%", 100 * gflops / peak);
          std::printf("\n");
        }
      }
    }
    if (o.json) {
      nlohmann::json j{{"device", device},
                       {"precision", "fp32"},
                       {"runs", o.runs},
                       {"peak_gflops", peak},
                       {"layers", rows}};
      std::cout << j.dump(2) << "\n";
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkc-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace vkc::app
