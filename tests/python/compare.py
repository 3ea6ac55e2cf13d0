"""The one comparison of a result against its reference in the Python tests (as
tests/support/compare.hpp in C++): any non-finite value on either side is an infinite error."""
import math

import numpy as np


def max_error(want, got):
    """max |got - want|; +inf when any value of either is NaN or infinite."""
    want = np.asarray(want, np.float64)
    got = np.asarray(got, np.float64)
    assert want.shape == got.shape, (want.shape, got.shape)
    if want.size == 0 or not (np.isfinite(want).all() and np.isfinite(got).all()):
        return math.inf
    return float(np.abs(got - want).max())


def assert_within_relative(want, got, bound):
    """max |got - want| <= bound * max |want|, with a message naming both."""
    error = max_error(want, got)
    scale = float(np.abs(np.asarray(want, np.float64)).max()) if np.size(want) else 0.0
    assert scale > 0 and error <= bound * scale, (
        f"max |err| {error:.3g} exceeds {bound:g} x max |ref| {scale:.3g}")
    return error / scale
