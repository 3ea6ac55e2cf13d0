#pragma once
// The work behind vkc-view's window, on threads of its own so that the GTK thread never
// waits for a model load, a folder scan, a decode or an inference:
//   decoder:    expands folders; a pool of one worker per core (app::DecodeAhead) decodes each
//               image (JPEGs DCT-scaled to what the preview and the network need), makes its
//               thumbnail and preview and, once a network is loaded, its input; the decoder
//               reports them in order and queues the inputs (at most kQueuedImages at a time:
//               memory stays bounded, and no decoded full-size image is kept);
//   classifier: loads the network (a Context and a Network, public API only) and classifies
//               the queued images in batches.
// Both report Events; `wake` is called (from those threads) when events are waiting, and the
// window takes them with takeEvents() on its own thread. No GTK here.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "vkc-view/model_settings.hpp"
#include "vkception/vkception.hpp"

namespace vkc::view {

struct DevicesListed {
  std::vector<DeviceDescription> devices;
  std::string error;  // no Vulkan driver, ...
};
struct ModelLoading {
  int serial;
  std::string description;
  std::string step;  // the library's progress ("creating pipelines 3/7"); empty when it starts
};
struct ModelReady {
  int serial;
  std::string description, deviceName;
  Preprocessing preprocessing;
  double loadMs;
};
struct ModelFailed {
  int serial;
  std::string message;
};
struct ImageFound {  // ids count up from 0 in the order images are found
  int id;
  std::string path;
};
struct ImageDecoded {
  int id;
  int width, height;  // the file's (upright), also when it was decoded smaller
  Image thumbnail, preview;
};
struct ImageFailed {
  int id;
  std::string message;  // names the file and the problem
};
struct ImageClassified {
  int id, modelSerial;
  std::vector<Prediction> top;
  double msPerImage;  // its batch's preprocessing + inference, per image
  int batch;
};
struct WorkIdle {  // nothing left to decode or classify (or all of it cancelled)
  int requests;    // loadModel/open/reclassify calls made before it
};
struct FilesSkipped {   // files met in opened folders that are not images (none is an ImageFound)
  std::string summary;  // app::ImageInputs::skippedSummary()
  std::vector<std::string> paths;  // all of them, relative to their folder
};
using Event = std::variant<DevicesListed, ModelLoading, ModelReady, ModelFailed, ImageFound,
                           ImageDecoded, ImageFailed, ImageClassified, WorkIdle, FilesSkipped>;

// The worker threads' nice value (0 is the GTK thread's, 19 the lowest).
constexpr int kWorkerNice = 10;
constexpr int kThumbnailBox = 96, kPreviewBox = 320, kBatch = 8, kQueuedImages = 16;

class Engine {
 public:
  // exifRotate: images turned upright by their EXIF orientation (DecodeOptions).
  explicit Engine(std::function<void()> wake, bool validation = false, bool exifRotate = true);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Replaces the network before the next batch: images queued or not yet decoded get the new
  // one, the caller reclassifies those the old one did. Until a network loads, queued images
  // wait (a failed load leaves none: cancel() or another loadModel()). Returns the serial its
  // ModelLoading/Ready/Failed and ImageClassified events carry.
  int loadModel(const ModelSettings& settings);
  // Files and folders: ImageFound for each image (and each input that gave none, followed by
  // its ImageFailed), FilesSkipped when folders held other files, then ImageDecoded or
  // ImageFailed, then ImageClassified.
  void open(const std::vector<std::string>& inputs);
  // Known images again (after a model change): ImageClassified or ImageFailed for each.
  void reclassify(const std::vector<std::pair<int, std::string>>& images);
  // Drops everything not yet classified; the batch in flight still reports.
  void cancel();
  std::vector<Event> takeEvents();
  // Khronos validation messages so far (validation on only).
  int validationMessages() const { return validationMessages_.load(); }

 private:
  struct DecodeJob {
    std::vector<std::string> inputs;                 // open()
    std::vector<std::pair<int, std::string>> known;  // reclassify()
  };
  // What a decode worker makes of one file.
  struct Decoded {
    int width = 0, height = 0;   // the file's (ImageDecoded)
    Image thumbnail, preview;    // when reported
    Image image;                 // as decoded, when no network was ready to make `input`
    int decodedFor = 0;          // the DecodeOptions::minWidth/minHeight it was decoded with
    std::vector<uint8_t> input;  // preprocessed for the network `inputSerial` (0: none)
    int inputSerial = 0;
    std::string inputError;  // that network's preprocessing refused it (e.g. too small)
  };
  struct QueuedImage {
    int id;
    std::string path;
    Decoded decoded;
    int generation;
  };
  void post(Event event);
  void decoderLoop();
  void decodeAll(const std::vector<std::pair<int, std::string>>& images, bool report,
                 int generation);
  Decoded decode(const std::string& path, bool report);  // on the pool's threads
  DecodeOptions decodeOptions(int side) const;
  std::vector<uint8_t> inputFor(QueuedImage& q);  // classifier thread
  void classifierLoop();
  void loadPending(ModelSettings settings, int serial);
  void classifyBatch(std::vector<QueuedImage>& batch);
  void postIdleIfDone();

  std::function<void()> wake_;
  const bool validation_, exifRotate_;
  std::atomic<int> validationMessages_{0};

  std::mutex eventsMutex_;
  std::vector<Event> events_;

  std::mutex mutex_;  // guards everything below up to "Classifier thread only"
  std::condition_variable decoderWake_, classifierWake_, queueSpace_;
  bool stopping_ = false;
  int generation_ = 0;  // cancel() and loadModel() increment it: older work is dropped
  int nextId_ = 0;
  int requests_ = 0;
  std::deque<DecodeJob> decodeJobs_;
  bool decoding_ = false, classifying_ = false;
  std::deque<QueuedImage> queue_;
  bool modelPending_ = false;
  ModelSettings pendingSettings_;
  int modelSerial_ = 0;
  // The loaded network's preprocessing, for the decode workers to make its inputs (serial 0:
  // none loaded, or one loading).
  Preprocessing readyPreprocessing_;
  int readySerial_ = 0;

  // Classifier thread only.
  std::unique_ptr<Context> context_;
  int contextDevice_ = -2;
  std::unique_ptr<Network> network_;
  int networkSerial_ = 0;
  int validationOfOldContexts_ = 0;

  std::thread decoder_, classifier_;
};

// `image` scaled to fit a box x box square: shrunk by area averaging, or (`enlarge`) enlarged
// by the largest whole factor that fits (pixel art, e.g. 28x28 Fashion-MNIST, stays sharp).
Image fitInBox(const Image& image, int box, bool enlarge);

}  // namespace vkc::view
