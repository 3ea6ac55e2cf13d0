"""The Python module against torchvision, vkc-classify and its own contract (errors, threads).

Run by ctest (python.pytest) with PYTHONPATH=<build>/python, VKC_ASSETS=<source>/assets and
VKC_CLASSIFY=<build>/bin/vkc-classify."""
import json
import os
import subprocess
import sys
import threading

import numpy as np
import pytest
import torch
import torchvision

import detweights
from compare import assert_within_relative, max_error
import vkception

ASSETS = os.environ["VKC_ASSETS"]
BUNDLED = os.path.join(ASSETS, "fashion_mnist_irv2.safetensors")
SAMPLES = os.path.join(ASSETS, "samples")
# Small enough for lavapipe under validation, large enough that the last feature map is 3x3
# (at 75 it is 1x1 and the final pooling would be trivial).
TORCH_SIZE = 139


@pytest.fixture(scope="module")
def net():
    network = vkception.Network("inception_resnet_v2", BUNDLED, validation=True)
    yield network
    assert network.validation_messages == 0


def sample_paths():
    return sorted(os.path.join(SAMPLES, f) for f in os.listdir(SAMPLES) if f.endswith(".png"))


def test_read_idx_reads_the_fashion_mnist_test_set():
    data = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist
    images = vkception.read_idx(os.path.join(data, "t10k-images-idx3-ubyte.gz"))
    labels = vkception.read_idx(os.path.join(data, "t10k-labels-idx1-ubyte.gz"))
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and set(np.unique(labels)) == set(range(10))
    with pytest.raises(vkception.Error, match="missing.gz") as e:
        vkception.read_idx(os.path.join(data, "missing.gz"))
    assert e.value.code == vkception.ErrorCode.BAD_INPUT_FILE


def test_devices_lists_one_default():
    devices = vkception.devices()
    assert devices and sum(d["is_default"] for d in devices) == 1
    for i, d in enumerate(devices):
        assert d["index"] == i and d["name"] and d["memory_bytes"] > 0


def test_run_matches_torchvision_inception_v3_in_float64():
    model = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False)
    state = {name: torch.from_numpy(detweights.tensor(name, tuple(t.shape)))
             for name, t in model.state_dict().items() if not name.endswith("num_batches_tracked")}
    model.load_state_dict(state, strict=False)
    model.double().eval()
    x = detweights.network_input((2, 3, TORCH_SIZE, TORCH_SIZE))
    with torch.no_grad():
        expected = model(torch.from_numpy(x).double()).numpy()
    net = vkception.Network("inception_v3", None, input_size=TORCH_SIZE, validation=True)
    logits = net.run(x)
    assert logits.shape == expected.shape == (2, 1000)
    # The goldens' fp32 bound (tests/support/golden.hpp, kFp32LogitBound): fp32 accumulation
    # order moves logits by ~1e-6 of their range; a wrong layer or weight by O(1).
    relative = assert_within_relative(expected, logits, 1e-5)
    print(f"max |vkception - torch fp64| = {relative:.3g} of max|logit|")
    # Distinct inputs were run: the two rows differ.
    assert max_error(logits[0], logits[1]) > 1e-3 * np.abs(expected).max()
    assert net.validation_messages == 0


def test_classify_matches_vkc_classify(net):
    out = subprocess.run([os.environ["VKC_CLASSIFY"], "--json", SAMPLES], check=True,
                         capture_output=True, text=True).stdout
    reference = {r["image"]: r["top"] for r in map(json.loads, out.splitlines())}
    paths = sample_paths()
    assert len(reference) == len(paths) == 10
    for path, top in zip(paths, net.classify(paths, top=5)):
        expected = reference[path]
        assert [(c, label) for c, label, _ in top] == [(t["class"], t["label"]) for t in expected]
        # vkc-classify prints float32 probabilities; same arithmetic here, so far below 1e-5.
        for (_, _, p), t in zip(top, expected):
            assert abs(p - t["probability"]) <= 1e-5


def test_classify_arrays_equals_classify_files(net):
    from torchvision.io import ImageReadMode, read_image  # an independent PNG decoder (libpng)
    paths = sample_paths()[:3]
    rgb = np.stack([read_image(p, ImageReadMode.RGB).permute(1, 2, 0).numpy() for p in paths])
    from_files = net.classify(paths, top=3)
    assert net.classify(rgb, top=3) == from_files
    assert net.classify(rgb[..., 0], top=3) == from_files  # the samples are gray: [N, H, W]


def test_preprocessing_is_the_weights_metadata(net):
    p = net.preprocessing
    assert p["input_size"] == (3, 75, 75) and net.input_size == 75
    assert p["crop_mode"] == "squash" and p["interpolation"] == "bilinear"
    assert p["mean"][0] == pytest.approx(0.285996) and p["std"][0] == pytest.approx(0.338586)
    assert net.classes[1] == "Trouser" and len(net.classes) == net.num_classes == 10
    assert net.preprocess(np.zeros((30, 40, 3), np.uint8)).shape == (75, 75, 3)


def test_bad_arguments_raise(net):
    with pytest.raises(ValueError, match=r"float64 \[1, 3, 75, 75\]"):
        net.run(np.zeros((1, 3, 75, 75)))
    with pytest.raises(ValueError, match=r"\[1, 3, 74, 74\]"):
        net.run(np.zeros((1, 3, 74, 74), np.float32))
    with pytest.raises(ValueError, match=r"\[3, 75, 75\]"):
        net.run(np.zeros((3, 75, 75), np.float32))
    with pytest.raises(ValueError, match="top"):
        net.classify(sample_paths()[0], top=0)
    with pytest.raises(ValueError, match="fp8"):
        vkception.Network("inception_v3", precision="fp8")
    with pytest.raises(vkception.Error, match="/nonexistent.safetensors") as e:
        vkception.Network("inception_v4", "/nonexistent.safetensors")
    assert e.value.code == vkception.ErrorCode.BAD_INPUT_FILE
    with pytest.raises(vkception.Error, match="inception_v5") as e:
        vkception.Network("inception_v5")
    assert e.value.code == vkception.ErrorCode.BAD_ARGUMENT
    with pytest.raises(vkception.Error, match="device index 99") as e:
        vkception.Network("inception_v3", device=99)
    assert e.value.code == vkception.ErrorCode.BAD_ARGUMENT
    missing = os.path.join(SAMPLES, "missing.png")
    with pytest.raises(vkception.Error, match="missing.png") as e:
        net.classify([sample_paths()[0], missing])
    assert e.value.code == vkception.ErrorCode.BAD_INPUT_FILE


def test_network_used_from_two_threads(net):
    rng = np.random.default_rng(7)
    inputs = [rng.standard_normal((2, 3, 75, 75), dtype=np.float32) for _ in range(2)]
    serial = [net.run(x) for x in inputs]
    results, errors = {}, []

    def work(k):
        try:
            results[k] = [net.run(inputs[k]) for _ in range(3)]
        except Exception as e:  # reported below, not lost in the thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for k in range(2):
        for logits in results[k]:
            np.testing.assert_array_equal(logits, serial[k])  # same arithmetic: identical


def test_gil_released_while_running(net):
    x = np.zeros((32, 3, 75, 75), np.float32)
    net.run(x)  # the batch-32 program is made here
    entered, done, seen_running = threading.Event(), threading.Event(), []

    def run():
        entered.set()
        net.run(x)
        done.set()

    # With a switch interval far longer than the run, the interpreter hands the GIL to this
    # thread only when the worker releases it: inside net.run if the binding releases it
    # (done not yet set), otherwise only when the worker thread ends (done set).
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        worker = threading.Thread(target=run)
        worker.start()
        entered.wait()
        seen_running.append(not done.is_set())
        worker.join()
    finally:
        sys.setswitchinterval(interval)
    assert seen_running == [True], "net.run held the GIL for the whole inference"
