// vkc-bench: times a network on a Vulkan device and relates it to the device's measured peak.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/bench_layers.hpp"
#include "common/cli.hpp"
#include "common/model_choice.hpp"
#include "common/validation_exit.hpp"
#include "vkception/vkception.hpp"

namespace {

// Points XDG_CACHE_HOME at a fresh folder for its lifetime, so pipeline-cache timings start cold
// and do not disturb the user's cache.
class ScratchCacheDir {
 public:
  ScratchCacheDir() {
    if (const char* old = std::getenv("XDG_CACHE_HOME")) saved_ = old, hadOld_ = true;
    char pattern[] = "/tmp/vkc-bench-cache-XXXXXX";
    if (mkdtemp(pattern)) dir_ = pattern;
    setenv("XDG_CACHE_HOME", dir_.c_str(), 1);
  }
  ~ScratchCacheDir() {
    if (hadOld_) {
      setenv("XDG_CACHE_HOME", saved_.c_str(), 1);
    } else {
      unsetenv("XDG_CACHE_HOME");
    }
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

 private:
  std::string dir_, saved_;
  bool hadOld_ = false;
};

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// The time to first result, step by step (vkc::StartupTimings).
nlohmann::json startupJson(double contextMs, const vkc::StartupTimings& t) {
  nlohmann::json pipelineTimes = nlohmann::json::array();
  for (const vkc::PipelineTiming& p : t.pipelineTimes) {
    pipelineTimes.push_back({{"kernel", p.kernel}, {"ms", p.ms}});
  }
  return {{"context_ms", contextMs},
          {"weights_open_ms", t.openMs},
          {"read_and_fold_ms", t.buildMs},
          {"winograd_plan_ms", t.winogradPlanMs},
          {"winograd_convolutions", t.winogradConvolutions},
          {"pack_ms", t.packMs},
          {"upload_ms", t.uploadMs},
          {"program_ms", t.programMs},
          {"pipelines_ms", t.pipelineMs},
          {"pipelines_compile_ms_all_threads", t.pipelineCompileMs},
          {"pipelines", t.pipelines},
          {"shader_modules", t.shaderModules},
          {"pipeline_cache_bytes", t.pipelineCacheBytes},
          {"pipeline_times", pipelineTimes},
          {"first_run_ms", t.firstRunMs}};
}

void printStartup(const char* which, double contextMs, const vkc::StartupTimings& t) {
  std::printf(
      "    %s: device %.0f, open %.0f, build %.0f, winograd plan %.0f, pack %.0f, upload %.0f,"
      " program %.0f, %d pipelines %.0f ms (%.0f on all threads; %d shader builds, cache %.0f KiB),"
      " first run %.0f ms\n",
      which, contextMs, t.openMs, t.buildMs, t.winogradPlanMs, t.packMs, t.uploadMs, t.programMs,
      t.pipelines, t.pipelineMs, t.pipelineCompileMs, t.shaderModules,
      t.pipelineCacheBytes / 1024.0, t.firstRunMs);
}

// The slowest pipeline creations of a start (--profile): what a cold start waits for.
void printSlowestPipelines(const char* which, const vkc::StartupTimings& t, int top) {
  std::printf("  slowest pipelines to create (%s start):\n", which);
  for (size_t i = 0; i < t.pipelineTimes.size() && i < size_t(top); ++i) {
    std::printf("    %-60s %8.1f ms\n", t.pipelineTimes[i].kernel.c_str(), t.pipelineTimes[i].ms);
  }
}

}  // namespace

static int benchMain(int argc, char** argv) {
  vkc::app::BenchOptions o;
  if (int rc = vkc::app::parseBenchArgs(argc, argv, o); rc >= 0) return rc;
  if (o.layers) return vkc::app::benchLayersMain(o);
  const std::string &model = o.model, &precision = o.precision;
  const int batch = o.batch, runs = o.runs;
  const bool peak = o.peak || o.json;
  vkc::NetworkOptions options;
  options.weights = vkc::app::chooseModel(model, o.weights).weights;
  options.inputSize = o.size;
  options.precision = precision == "fp16" ? vkc::Precision::Fp16 : vkc::Precision::Fp32;
  options.winograd = !o.noWinograd;
  options.start = o.start == "at-once" ? vkc::StartMode::AtOnce : vkc::StartMode::Specialized;
  const bool atOnce = options.start == vkc::StartMode::AtOnce;
  try {
    // The benchmark's input lives on the host as floats: refuse what cannot fit rather than
    // be killed for it.
    const double inputBytes = 4.0 * 3 * batch * (o.size ? o.size : 299) * (o.size ? o.size : 299);
    if (inputBytes > double(uint64_t{2} << 30)) {
      throw vkc::Error("batch " + std::to_string(batch) + " needs a " +
                           std::to_string(uint64_t(inputBytes) >> 20) +
                           " MiB input, over the 2048 MiB vkc-bench allocates on the host",
                       vkc::ErrorCode::BadArgument);
    }
    vkc::ContextOptions co;
    co.device = o.device;
    co.convKernel = vkc::app::convKernelOption(o.convKernel);
    // Time to first result (device, weights, pipelines, first run) with an empty pipeline
    // cache, then again with the cache that first start saved: both in a scratch cache folder.
    struct FirstResult {
      double ms = 0, contextMs = 0;
      vkc::StartupTimings startup;
    };
    auto firstResult = [&]() {
      FirstResult r;
      auto t0 = std::chrono::steady_clock::now();
      vkc::Context context(co);
      r.contextMs = msSince(t0);
      vkc::Network net = vkc::Network::load(context, model, options);
      const int s = net.inputSize();
      std::vector<float> input = vkc::testInput(batch, s);
      net.run(input.data(), batch);
      r.ms = msSince(t0);
      r.startup = net.startup();
      return r;
    };
    FirstResult cold, warm;
    {
      ScratchCacheDir scratch;
      if (!o.noFirstResult) {
        cold = firstResult();
        warm = firstResult();
      }
    }
    const double coldMs = cold.ms, warmMs = warm.ms;

    vkc::Context context(co);
    vkc::Network net = vkc::Network::load(context, model, options);
    const int s = net.inputSize();
    std::vector<float> input = vkc::testInput(batch, s);
    net.run(input.data(), batch);
    // As the library decided (precision, start mode, the network's layers), not the option.
    const bool winograd = net.startup().winogradConvolutions > 0;

    for (int i = 0; i < o.warmup; ++i)
      net.run(input.data(), batch);
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
      auto start = std::chrono::steady_clock::now();
      net.run(input.data(), batch);
      times.push_back(msSince(start));
    }
    std::sort(times.begin(), times.end());
    const double msMin = times.front(), msMedian = times[times.size() / 2], msMax = times.back();
    const double gflop = net.flopsPerImage() * batch * 1e-9;
    const double gflops = gflop / (msMin * 1e-3);
    vkc::NetworkStats stats = net.stats(batch);
    // The probe of the precision the network ran in is its peak; fp16's only where supported.
    double peak32 = 0, peak16 = 0;  // GFLOP/s
    if (peak) {
      peak32 = context.measurePeakGflops(vkc::Precision::Fp32);
      if (context.device().fp16) peak16 = context.measurePeakGflops(vkc::Precision::Fp16);
    }
    const double probe = precision == "fp16" ? peak16 : peak32;

    struct OpTotal {
      double ms = 0, gflop = 0;
    };
    std::map<std::string, OpTotal> byOp;
    double profiledMs = 0;
    std::vector<vkc::NodeProfile> nodes;
    if (o.profile) {
      vkc::NetworkOptions profiling = options;
      profiling.profile = true;
      vkc::Network profiled = vkc::Network::load(context, model, profiling);
      profiled.run(input.data(), batch);
      profiled.run(input.data(), batch);
      nodes = profiled.profile();
      for (const auto& n : nodes) {
        byOp[n.op].ms += n.ms;
        byOp[n.op].gflop += n.gflop;
        profiledMs += n.ms;
      }
      std::sort(nodes.begin(), nodes.end(), [](auto& a, auto& b) { return a.ms > b.ms; });
    }

    vkc::DeviceSummary d = context.device();
    if (o.json) {
      nlohmann::json j{{"model", model},
                       {"device", d.name},
                       {"driver", d.driver},
                       {"precision", precision},
                       {"winograd", winograd},
                       {"batch", batch},
                       {"input_size", s},
                       {"runs", runs},
                       {"ms_min", msMin},
                       {"ms_median", msMedian},
                       {"ms_max", msMax},
                       {"ms_per_image_min", msMin / batch},
                       {"images_per_s", batch * 1000.0 / msMedian},
                       {"gflop_per_batch", gflop},
                       {"gflops", gflops},
                       {"peak_gflops", probe},
                       {"peak_gflops_fp32", peak32},
                       {"peak_gflops_fp16", peak16},
                       {"fraction_of_peak", probe > 0 ? gflops / probe : 0.0},
                       {"weight_bytes", stats.weightBytes},
                       {"peak_activation_bytes", stats.activationBytes},
                       {"naive_activation_bytes", stats.naiveActivationBytes},
                       {"device_bytes_in_use", stats.deviceBytesInUse},
                       {"dispatches", stats.dispatches},
                       {"barriers", stats.barriers},
                       {"submits", stats.submits},
                       {"command_buffers_per_submit", stats.commandBuffers},
                       {"parameters", net.parameterCount()}};
      for (const auto& [name, value] : d.policy)
        j["policy"][name] = value;
      j["device_class"] = j["policy"]["device_class"];
      j["start"] = o.start;
      if (!o.noFirstResult) {
        j["first_result_ms"] = coldMs;
        j["first_result_warm_cache_ms"] = warmMs;
        j["startup_cold"] = startupJson(cold.contextMs, cold.startup);
        j["startup_warm_cache"] = startupJson(warm.contextMs, warm.startup);
      }
      for (const auto& [op, total] : byOp)
        j["gpu_ms_by_op"][op] = total.ms;
      std::cout << j.dump(2) << "\n";
      return 0;
    }
    std::printf("%s on %s (%s), %s%s%s, batch %d, %dx%d\n", model.c_str(), d.name.c_str(),
                d.driver.c_str(), precision.c_str(),
                winograd ? (atOnce ? " with one-axis Winograd" : " with Winograd") : "",
                atOnce ? ", atOnce kernels (--start at-once)" : "", batch, s, s);
    std::printf("  time per batch     min %.1f ms  median %.1f ms  max %.1f ms  (%d runs)\n", msMin,
                msMedian, msMax, runs);
    std::printf("  time per image     min %.1f ms   %.2f images/s (median)\n", msMin / batch,
                batch * 1000.0 / msMedian);
    std::printf("  compute            %.2f GFLOP per batch, %.1f GFLOP/s (at min)\n", gflop,
                gflops);
    if (peak) {
      std::printf("  device %s peak   %.1f GFLOP/s (probe) -> %.0f%% of peak", precision.c_str(),
                  probe, 100.0 * gflops / probe);
      if (peak16 > 0 && precision == "fp32") {
        std::printf("  (fp16 probe: %.1f GFLOP/s)", peak16);
      }
      std::printf("\n");
    }
    if (!o.noFirstResult) {
      std::printf(
          "  first result       %.0f ms cold pipeline cache, %.0f ms warm (device, weights,"
          " pipelines, first run)\n",
          coldMs, warmMs);
      printStartup("cold", cold.contextMs, cold.startup);
      printStartup("warm", warm.contextMs, warm.startup);
    }
    std::printf(
        "  memory             weights %.1f MiB, activations %.1f MiB (naive %.1f MiB), "
        "in use %.1f MiB\n",
        stats.weightBytes / 1048576.0, stats.activationBytes / 1048576.0,
        stats.naiveActivationBytes / 1048576.0, stats.deviceBytesInUse / 1048576.0);
    std::printf("  per inference      %d dispatches, %d barriers, %d submit(s)\n", stats.dispatches,
                stats.barriers, stats.submits);
    if (o.profile) {
      std::printf("  GPU time by operator (serialised profile run):\n");
      for (const auto& [op, total] : byOp) {
        std::printf("    %-18s %8.2f ms %5.1f%%", op.c_str(), total.ms,
                    100 * total.ms / profiledMs);
        if (total.gflop > 0) std::printf("  %6.1f GFLOP/s", total.gflop / (total.ms * 1e-3));
        std::printf("\n");
      }
      std::printf("  slowest nodes:\n");
      for (size_t i = 0; i < nodes.size() && i < size_t(o.top); ++i) {
        std::printf("    %-40s %-14s %8.2f ms  %s\n", nodes[i].node.c_str(), nodes[i].op.c_str(),
                    nodes[i].ms, nodes[i].plan.c_str());
      }
      if (!o.noFirstResult) {
        printSlowestPipelines("cold", cold.startup, o.top);
        printSlowestPipelines("warm", warm.startup, o.top);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkc-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}

// After benchMain returns, every Vulkan instance it made is gone.
int main(int argc, char** argv) {
  return vkc::app::exitStatusAfterValidation("vkc-bench", benchMain(argc, argv));
}
