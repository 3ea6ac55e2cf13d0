// The Python module `vkception` (package python/vkception/, this is its _vkception): a thin
// layer over the C++ API. Arrays are checked here (ValueError naming the shape); the GPU work
// runs with the GIL released, one call per Network at a time (vkc::Network's contract).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vkception/vkception.h"
#include "vkception/vkception.hpp"
#include "vkception/self_test.hpp"

namespace py = pybind11;

namespace {

// vkception.ErrorCode has the C API's numbers: vkc::ErrorCode + 1 (0 is VKC_OK).
static_assert(int(vkc::ErrorCode::BadArgument) + 1 == VKC_ERROR_BAD_ARGUMENT);
static_assert(int(vkc::ErrorCode::VulkanFailure) + 1 == VKC_ERROR_VULKAN);

void raiseError(const std::string& message, int code) {
  py::object errorClass = py::module_::import("vkception").attr("Error");
  py::object error = errorClass(message, code);
  PyErr_SetObject(errorClass.ptr(), error.ptr());
}

// Networks on the same device share one Context (one Vulkan device), kept while any uses it.
std::shared_ptr<vkc::Context> sharedContext(int device, bool validation) {
  static std::mutex mutex;
  static std::map<std::pair<int, bool>, std::weak_ptr<vkc::Context>> contexts;
  std::lock_guard<std::mutex> lock(mutex);
  std::weak_ptr<vkc::Context>& slot = contexts[{device, validation}];
  if (auto existing = slot.lock()) return existing;
  vkc::ContextOptions options;
  options.device = device;
  options.validation = validation;
  auto context = std::make_shared<vkc::Context>(options);
  slot = context;
  return context;
}

vkc::Precision parsePrecision(const std::string& text) {
  if (text == "fp32") return vkc::Precision::Fp32;
  if (text == "fp16") return vkc::Precision::Fp16;
  throw py::value_error("precision must be 'fp32' or 'fp16', got '" + text + "'");
}

std::string shapeText(const py::array& a) {
  std::string text = std::string(py::str(a.dtype())) + " [";
  for (py::ssize_t i = 0; i < a.ndim(); ++i)
    text += (i ? ", " : "") + std::to_string(a.shape(i));
  return text + "]";
}

bool hasDtype(const py::array& a, char kind, py::ssize_t bytes) {
  return a.dtype().kind() == kind && a.itemsize() == bytes;
}

py::dict deviceDict(const vkc::DeviceDescription& d) {
  py::dict out;
  out["index"] = d.index;
  out["name"] = d.name;
  out["type"] = d.type;
  out["vendor"] = d.vendor;
  out["driver"] = d.driver;
  out["memory_bytes"] = d.memoryBytes;
  out["fp16"] = d.fp16;
  out["is_default"] = d.isDefault;
  return out;
}

// uint8 images [N, H, W, 3] or gray [N, H, W] (`batched`), or one [H, W, 3] / [H, W]; gray is
// replicated to RGB.
std::vector<vkc::Image> imagesFrom(const py::array& a, bool batched, const std::string& what) {
  const int lead = batched ? 1 : 0;
  const bool rgb = a.ndim() == 3 + lead && a.shape(2 + lead) == 3;
  if (!hasDtype(a, 'u', 1) || !(rgb || a.ndim() == 2 + lead) || (batched && a.shape(0) < 1)) {
    throw py::value_error(what + ": expected uint8 " +
                          (batched ? "images of shape [N, H, W, 3] or [N, H, W]"
                                   : "an image of shape [H, W, 3] or [H, W]") +
                          ", got " + shapeText(a));
  }
  auto c = py::array_t<uint8_t, py::array::c_style>::ensure(a);
  const py::ssize_t count = batched ? a.shape(0) : 1;
  const int height = static_cast<int>(a.shape(lead)), width = static_cast<int>(a.shape(lead + 1));
  const size_t pixels = size_t(width) * height;
  std::vector<vkc::Image> images(count);
  for (py::ssize_t n = 0; n < count; ++n) {
    vkc::Image& image = images[n];
    image.width = width;
    image.height = height;
    const uint8_t* data = c.data() + n * pixels * (rgb ? 3 : 1);
    if (rgb) {
      image.rgb.assign(data, data + pixels * 3);
    } else {
      image.rgb.resize(pixels * 3);
      for (size_t p = 0; p < pixels; ++p)
        image.rgb[p * 3] = image.rgb[p * 3 + 1] = image.rgb[p * 3 + 2] = data[p];
    }
  }
  return images;
}

using Ranked = std::vector<std::vector<vkc::Prediction>>;

py::list rankedToPython(const Ranked& ranked) {
  py::list out;
  for (const auto& image : ranked) {
    py::list top;
    for (const vkc::Prediction& p : image)
      top.append(py::make_tuple(p.classIndex, p.label, p.probability));
    out.append(top);
  }
  return out;
}

class PyNetwork {
 public:
  PyNetwork(const std::string& model, const py::object& weights, const py::object& device,
            const std::string& precision, const py::object& inputSize, const py::object& labels,
            bool validation) {
    vkc::NetworkOptions options;
    if (!weights.is_none())
      options.weights = py::str(py::module_::import("os").attr("fspath")(weights));
    if (!labels.is_none())
      options.labels = py::str(py::module_::import("os").attr("fspath")(labels));
    if (!inputSize.is_none()) {
      options.inputSize = inputSize.cast<int>();
      if (options.inputSize < 1) throw py::value_error("input_size must be positive");
    }
    options.precision = parsePrecision(precision);
    const int deviceIndex = device.is_none() ? -1 : device.cast<int>();
    if (deviceIndex < -1) throw py::value_error("device must be an index >= 0 or None");
    py::gil_scoped_release released;
    context_ = sharedContext(deviceIndex, validation);
    net_ = std::make_unique<vkc::Network>(vkc::Network::load(*context_, model, options));
  }

  py::array_t<float> run(const py::array& x) {
    const int s = net_->inputSize();
    if (!hasDtype(x, 'f', 4) || x.ndim() != 4 || x.shape(0) < 1 || x.shape(1) != 3 ||
        x.shape(2) != s || x.shape(3) != s) {
      throw py::value_error("run: expected a float32 array of shape [N, 3, " + std::to_string(s) +
                            ", " + std::to_string(s) + "] (N >= 1), got " + shapeText(x));
    }
    auto input = py::array_t<float, py::array::c_style>::ensure(x);
    const int batch = static_cast<int>(x.shape(0));
    py::array_t<float> logits({py::ssize_t(batch), py::ssize_t(net_->numClasses())});
    const float* in = input.data();
    float* out = logits.mutable_data();
    {
      py::gil_scoped_release released;
      std::lock_guard<std::mutex> lock(mutex_);
      net_->run(in, batch, out);
    }
    return logits;
  }

  py::array_t<float> runImages(const py::array& pixels) {
    const int s = net_->inputSize();
    if (!hasDtype(pixels, 'u', 1) || pixels.ndim() != 4 || pixels.shape(0) < 1 ||
        pixels.shape(1) != s || pixels.shape(2) != s || pixels.shape(3) != 3) {
      throw py::value_error("run_images: expected a uint8 array of shape [N, " + std::to_string(s) +
                            ", " + std::to_string(s) + ", 3] (N >= 1), got " + shapeText(pixels));
    }
    auto input = py::array_t<uint8_t, py::array::c_style>::ensure(pixels);
    const int batch = static_cast<int>(pixels.shape(0));
    py::array_t<float> logits({py::ssize_t(batch), py::ssize_t(net_->numClasses())});
    const uint8_t* in = input.data();
    float* out = logits.mutable_data();
    {
      py::gil_scoped_release released;
      std::lock_guard<std::mutex> lock(mutex_);
      net_->runImages(in, batch, out);
    }
    return logits;
  }

  py::array_t<uint8_t> preprocess(const py::array& image) {
    std::vector<uint8_t> pixels = net_->preprocess(imagesFrom(image, false, "preprocess").front());
    const int s = net_->inputSize();
    py::array_t<uint8_t> out({s, s, 3});
    std::copy(pixels.begin(), pixels.end(), out.mutable_data());
    return out;
  }

  // paths: a path or a list of them; or uint8 images [N, H, W, 3] / [N, H, W].
  py::list classify(const py::object& inputs, int top, int batch) {
    if (top < 1)
      throw py::value_error("classify: top must be at least 1, got " + std::to_string(top));
    if (batch < 1) throw py::value_error("classify: batch must be at least 1");
    Ranked ranked;
    if (py::isinstance<py::array>(inputs)) {
      std::vector<vkc::Image> decoded = imagesFrom(inputs.cast<py::array>(), true, "classify");
      py::gil_scoped_release released;
      std::lock_guard<std::mutex> lock(mutex_);
      ranked = net_->classify(decoded, top, batch);
    } else {
      std::vector<std::string> paths;
      py::object fspath = py::module_::import("os").attr("fspath");
      if (py::isinstance<py::str>(inputs) || py::hasattr(inputs, "__fspath__")) {
        paths.push_back(py::str(fspath(inputs)));
      } else {
        for (py::handle p : inputs)
          paths.push_back(py::str(fspath(p)));
      }
      py::gil_scoped_release released;
      std::lock_guard<std::mutex> lock(mutex_);
      ranked = net_->classifyFiles(paths, top, batch);
    }
    return rankedToPython(ranked);
  }

  py::list classes() const {
    py::list out;
    const auto& labels = net_->labels();
    for (int c = 0; c < net_->numClasses(); ++c)
      out.append(c < int(labels.size()) ? labels[c] : std::to_string(c));
    return out;
  }

  // timm's data config keys.
  py::dict preprocessing() const {
    const vkc::Preprocessing& p = net_->preprocessing();
    py::dict out;
    out["input_size"] = py::make_tuple(3, p.inputSize, p.inputSize);
    out["interpolation"] = p.interpolation;
    out["crop_pct"] = p.cropFraction;
    out["crop_mode"] = p.cropMode;
    out["mean"] = py::make_tuple(p.mean[0], p.mean[1], p.mean[2]);
    out["std"] = py::make_tuple(p.std[0], p.std[1], p.std[2]);
    return out;
  }

  const vkc::Network& net() const { return *net_; }
  const vkc::Context& context() const { return *context_; }

 private:
  std::shared_ptr<vkc::Context> context_;
  std::unique_ptr<vkc::Network> net_;
  std::mutex mutex_;
};

}  // namespace

PYBIND11_MODULE(_vkception, m) {
  m.doc() = "vkception's C++ library; import the package `vkception`, not this module.";
  m.attr("__version__") = vkc_version();
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const vkc::Error& e) {
      raiseError(e.what(), int(e.code()) + 1);
    } catch (const std::bad_alloc&) {
      raiseError("out of host memory", VKC_ERROR_OUT_OF_MEMORY);
    }
  });

  m.def(
      "read_idx",
      [](const std::string& path) {
        vkc::IdxArray idx = vkc::readIdx(path);
        std::vector<py::ssize_t> shape(idx.dims.begin(), idx.dims.end());
        py::array_t<uint8_t> out(shape);
        std::copy(idx.data.begin(), idx.data.end(), out.mutable_data());
        return out;
      },
      py::arg("path"),
      "An unsigned-byte (Fashion-)MNIST IDX file (.gz or plain) as a uint8 array.");
  m.def(
      "self_test",
      [](std::optional<int> device) {
        vkc::SelfTestReport r;
        {
          py::gil_scoped_release released;
          vkc::ContextOptions options;
          options.device = device.value_or(-1);
          vkc::Context context(options);
          r = vkc::selfTest(context);
        }
        py::list variants;
        for (const vkc::VariantResult& v : r.variants) {
          py::dict d;
          d["name"] = v.name;
          d["status"] = vkc::variantStatusName(v.status);
          d["max_error"] = v.maxError;
          d["reason"] = v.reason;
          variants.append(d);
        }
        py::dict out;
        out["device"] = r.device;
        out["driver"] = r.driver;
        out["passed"] = r.passed();
        out["variants"] = variants;
        return out;
      },
      py::arg("device") = py::none(),
      "The on-device self-test, as vkc-info --self-test --json prints it: every kernel variant "
      "the device may use against a double-precision reference.");
  m.def("assets_dir", &vkc::assetsDir,
        "The folder of the bundled model, label lists and sample images.");
  // For the package's __init__ (an installed wheel's own assets) and __main__ (folder scans).
  m.def("_set_assets_dir", &vkc::setAssetsDir, py::arg("folder"));
  m.def("_has_image_extension", &vkc::hasImageExtension, py::arg("path"));
  m.def(
      "devices",
      [] {
        py::list out;
        for (const auto& d : vkc::devices())
          out.append(deviceDict(d));
        return out;
      },
      "Every Vulkan device: dicts with index, name, type, vendor, driver, memory_bytes, fp16, "
      "is_default.");

  py::class_<PyNetwork>(m, "Network", "An Inception network loaded on a Vulkan device.")
      .def(py::init<const std::string&, const py::object&, const py::object&, const std::string&,
                    const py::object&, const py::object&, bool>(),
           py::arg("model"), py::arg("weights") = py::none(), py::kw_only(),
           py::arg("device") = py::none(), py::arg("precision") = "fp32",
           py::arg("input_size") = py::none(), py::arg("labels") = py::none(),
           py::arg("validation") = false,
           "weights: a .safetensors file, or None for the deterministic test weights; device: "
           "an index from devices(), or None for the default; precision: 'fp32' or 'fp16'.")
      .def("run", &PyNetwork::run, py::arg("x"),
           "float32 [N, 3, S, S] (normalised) -> float32 logits [N, classes].")
      .def("run_images", &PyNetwork::runImages, py::arg("pixels"),
           "uint8 [N, S, S, 3] preprocessed RGB -> float32 logits [N, classes].")
      .def("preprocess", &PyNetwork::preprocess, py::arg("image"),
           "uint8 [H, W, 3] or [H, W] -> uint8 [S, S, 3] resized/cropped as the model expects.")
      .def("classify", &PyNetwork::classify, py::arg("paths"), py::arg("top") = 5,
           py::arg("batch") = 8,
           "Image files (a path or a list) or uint8 images [N, H, W(, 3)] -> per image a list of "
           "(class, label, probability), most probable first: what vkc-classify prints.")
      .def("__repr__",
           [](const PyNetwork& n) {
             const int s = n.net().inputSize();
             return "<vkception.Network " + n.net().model() + " " + std::to_string(s) + "x" +
                    std::to_string(s) + " on " + n.context().device().name + ">";
           })
      .def_property_readonly("model", [](const PyNetwork& n) { return n.net().model(); })
      .def_property_readonly("input_size", [](const PyNetwork& n) { return n.net().inputSize(); })
      .def_property_readonly("num_classes", [](const PyNetwork& n) { return n.net().numClasses(); })
      .def_property_readonly("classes", &PyNetwork::classes,
                             "Class names (or indices as text), index = class.")
      .def_property_readonly("preprocessing", &PyNetwork::preprocessing,
                             "As timm's data config: input_size, interpolation, crop_pct, "
                             "crop_mode, mean, std.")
      .def_property_readonly("precision",
                             [](const PyNetwork& n) {
                               return n.net().precision() == vkc::Precision::Fp16 ? "fp16" : "fp32";
                             })
      .def_property_readonly("metadata", [](const PyNetwork& n) { return n.net().metadata(); })
      .def_property_readonly("device",
                             [](const PyNetwork& n) { return deviceDict(n.context().device()); })
      .def_property_readonly("validation_messages", [](const PyNetwork& n) {
        return n.context().validationMessageCount();
      });
}
