#pragma once
// vkc::Precision, on its own so that the library's layers share the one type.

namespace vkc {

// Number format of weights and activations on the device. fp16 halves memory and runs the
// convolutions in fp16 arithmetic (needs shaderFloat16 and 16-bit storage; logits agree with
// fp32 to about 1e-3 of their range). fp32 is the default on every device; fp16 runs only when
// asked for, and loading throws vkc::Error (UnsupportedDevice) with the reason where
// DeviceDescription::fp16 is false. CPU drivers emulate fp16, so there it is the slower one
// (docs/performance.md).
enum class Precision { Fp32, Fp16 };

}  // namespace vkc
