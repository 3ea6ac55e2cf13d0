#include "selftest/store.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include "vk/fault_injection.hpp"

namespace vkc::selftest {
namespace {

constexpr int kFormat = 1;

std::string hex(const uint8_t* bytes, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += digits[bytes[i] >> 4];
    s += digits[bytes[i] & 15];
  }
  return s;
}

nlohmann::json keyOf(const vk::Device& device) {
  const vk::DeviceInfo& d = device.info();
  return {{"vendor_id", d.vendorId},
          {"device_id", d.deviceId},
          {"device_uuid", hex(d.deviceUUID, VK_UUID_SIZE)},
          {"pipeline_cache_uuid", hex(d.pipelineCacheUUID, VK_UUID_SIZE)},
          {"driver_version", d.driverVersion},
          {"library_version", VKC_VERSION},
          {"corrupt_variant", vk::corruptKernel()}};
}

Status statusNamed(const std::string& s) {
  if (s == "passed") return Status::Passed;
  if (s == "failed") return Status::Failed;
  if (s == "not run") return Status::NotRun;
  throw std::runtime_error("unknown status '" + s + "'");
}

}  // namespace

std::string storePath(const vk::Device& device) {
  const std::string& cache = device.kernels().cachePath();
  if (cache.empty()) return "";
  return std::filesystem::path(cache).replace_extension(".selftest.json").string();
}

std::optional<Stored> loadStored(const vk::Device& device) {
  const std::string path = storePath(device);
  std::error_code ec;
  if (path.empty() || !std::filesystem::exists(path, ec)) return std::nullopt;
  try {
    std::ifstream in(path);
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.at("format").get<int>() != kFormat || j.at("key") != keyOf(device)) {
      return std::nullopt;  // another device, driver, library or fault: test again
    }
    Stored s;
    s.complete = j.at("complete").get<bool>();
    for (const auto& c : j.at("configurations"))
      s.configurations.insert(c.get<std::string>());
    s.report.cases = j.at("cases").get<int>();
    s.report.seconds = j.at("seconds").get<double>();
    for (const auto& v : j.at("variants")) {
      Variant variant;
      variant.name = v.at("name").get<std::string>();
      variant.status = statusNamed(v.at("status").get<std::string>());
      variant.maxError = v.at("max_error").get<double>();
      variant.reason = v.at("reason").get<std::string>();
      s.report.variants.push_back(variant);
    }
    return s;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkception: ignoring the self-test results in %s (%s); testing again\n",
                 path.c_str(), e.what());
    return std::nullopt;
  }
}

void saveStored(const vk::Device& device, const Stored& stored) {
  const std::string path = storePath(device);
  if (path.empty()) return;
  nlohmann::json j{{"format", kFormat},
                   {"key", keyOf(device)},
                   {"complete", stored.complete},
                   {"configurations", stored.configurations},
                   {"cases", stored.report.cases},
                   {"seconds", stored.report.seconds},
                   {"variants", nlohmann::json::array()}};
  for (const Variant& v : stored.report.variants) {
    j["variants"].push_back({{"name", v.name},
                             {"status", statusName(v.status)},
                             {"max_error", v.maxError},
                             {"reason", v.reason}});
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  // Written whole then renamed: a reader never sees half a file.
  const std::string temporary = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary);
    out << j.dump(1) << "\n";
    if (!out) {
      std::filesystem::remove(temporary, ec);
      return;
    }
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) std::filesystem::remove(temporary, ec);
}

}  // namespace vkc::selftest
