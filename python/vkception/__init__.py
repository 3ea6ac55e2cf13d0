"""vkception: Inception-family image classifiers on any Vulkan 1.1 GPU.

    import vkception
    net = vkception.Network("inception_resnet_v2", "fashion_mnist_irv2.safetensors")
    net.classify("shoe.png")          # [[(class, label, probability), ...]] as vkc-classify
    net.run(x)                        # float32 [N, 3, S, S] -> logits [N, classes]

From the command line, `python3 -m vkception IMAGE|DIR...` prints each image's top 5 as
vkc-classify does.

A thin layer over the C++ library (include/vkception/vkception.hpp); every library failure is a
vkception.Error whose .code says what kind it is.
"""
import enum
import os


class ErrorCode(enum.IntEnum):
    """vkc::ErrorCode (the same numbers as the C API's vkc_status)."""
    UNKNOWN = 1
    BAD_ARGUMENT = 2
    BAD_INPUT_FILE = 3
    UNSUPPORTED_DEVICE = 4
    OUT_OF_MEMORY = 5
    DEVICE_LOST = 6
    VULKAN_FAILURE = 7


class Error(RuntimeError):
    """A library failure: the message names the file or argument; .code is an ErrorCode."""

    def __init__(self, message, code=ErrorCode.UNKNOWN):
        super().__init__(message)
        self.code = ErrorCode(code)


from ._vkception import Network, assets_dir, devices, read_idx, __version__  # noqa: E402
from ._vkception import _set_assets_dir  # noqa: E402

# An installed wheel carries the bundled model, labels and samples in the package (setup.py);
# assets_dir() and the networks use that copy unless VKC_ASSETS_DIR names another.
_PACKAGED_ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")
if os.path.isdir(_PACKAGED_ASSETS):
    _set_assets_dir(_PACKAGED_ASSETS)

__all__ = ["Network", "assets_dir", "devices", "read_idx", "Error", "ErrorCode", "__version__"]
