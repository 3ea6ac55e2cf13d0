"""The detweights generator (tests/golden/README.md section 2) in numpy, written from the spec
independently of src/io/detweights.cpp, so that torch models can get the same weights."""
import numpy as np

_MASK = (1 << 64) - 1


def _fnv1a64(name):
    h = 0xCBF29CE484222325
    for b in name.encode():
        h = ((h ^ b) * 0x100000001B3) & _MASK
    return h


def unit(name, count):
    """u in [-1, 1) for elements 0..count-1 of tensor `name` (float64, exact)."""
    with np.errstate(over="ignore"):  # uint64 arithmetic wraps, as the spec says
        z = np.uint64(_fnv1a64(name)) + np.arange(count, dtype=np.uint64)
        z += np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(40)).astype(np.float64) / 2.0**23 - 1.0


def tensor(name, shape):
    """The tensor's float32 values by the spec's scale/offset rules."""
    count = int(np.prod(shape))
    if name.endswith("running_var"):
        scale, offset = 0.5, 1.0
    elif name.endswith("running_mean"):
        scale, offset = 0.1, 0.0
    elif len(shape) == 1 and name.endswith(".weight"):
        scale, offset = 0.5, 1.0
    elif len(shape) == 1:
        scale, offset = 0.1, 0.0
    else:
        scale, offset = np.sqrt(6.0 / float(np.prod(shape[1:]))), 0.0
    return (unit(name, count) * scale + offset).astype(np.float32).reshape(shape)


def network_input(shape):
    return unit("input", int(np.prod(shape))).astype(np.float32).reshape(shape)
