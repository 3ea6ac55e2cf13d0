#!/usr/bin/python3
"""fp64 reference logits of the four golden networks at a small input (75x75 by default), made by
the upstream model code exactly as the 299x299 goldens were (README.md in this folder): detweights
float32 values converted exactly to float64, eval(), batch 2, input detweights "input".

The upstream trees are not part of this repository; extract the pinned commits and pass them:
  git --git-dir=<timm mirror> archive 8ef73809f622e0031bd7f4940265734aef8b9978 | tar -x -C /tmp/timm
  git --git-dir=<facenet mirror> archive fa70227bd5f02209512f60bd10e7e66877fdb4f6 models | \
      tar -x -C /tmp/facenet
  /usr/bin/python3 tests/golden/make_small_goldens.py --timm /tmp/timm --facenet /tmp/facenet
writes <model>/logits75.f64 (raw little-endian float64, [2,1000]). With `--size 299 --check` it
instead recomputes the 299x299 logits and compares them with the committed <model>/logits.f64.
"""
import argparse
import importlib
import json
import os
import sys
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
import detweights  # noqa: E402

MODELS = ["inception_v4", "inception_resnet_v2", "inception_resnet_v1", "inception_v3"]


def build(name, args):
    if name == "inception_resnet_v1":
        # Import only facenet's model file: the package __init__ also pulls in MTCNN and friends.
        package = types.ModuleType("facenet_pytorch")
        package.__path__ = [os.path.abspath(args.facenet)]
        sys.modules["facenet_pytorch"] = package
        module = importlib.import_module("facenet_pytorch.models.inception_resnet_v1")
        return module.InceptionResnetV1(pretrained=None, classify=True, num_classes=1000)
    sys.path.insert(0, os.path.abspath(args.timm))
    import timm

    assert timm.__version__ == "1.0.28", timm.__version__
    return timm.create_model(name, pretrained=False)


def fill_detweights(model, name):
    import torch

    state = model.state_dict()
    # Same names, shapes and order as the committed goldens' tensors.json.
    with open(os.path.join(HERE, name, "tensors.json")) as f:
        listed = json.load(f)
    assert [(t["name"], list(t["shape"])) for t in listed] == [
        (k, list(v.shape)) for k, v in state.items()
    ], name + ": state dict differs from tensors.json"
    filled = {}
    for key, value in state.items():
        if key.endswith("num_batches_tracked"):
            filled[key] = torch.zeros_like(value)
        else:
            assert value.dtype == torch.float32, key
            filled[key] = torch.from_numpy(detweights.tensor(key, tuple(value.shape)))
    model.load_state_dict(filled, strict=True)
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            assert module.eps == 1e-3, (name, module)


def logits(name, size, args):
    import torch

    model = build(name, args)
    fill_detweights(model, name)
    model = model.double().eval()  # float32 -> float64 is exact
    x = torch.from_numpy(detweights.network_input((2, 3, size, size))).double()
    with torch.no_grad():
        out = model(x)
    assert tuple(out.shape) == (2, 1000), out.shape
    return out.numpy().astype("<f8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timm", required=True, help="timm tree at the pinned commit")
    parser.add_argument("--facenet", required=True, help="facenet-pytorch tree at the pinned commit")
    parser.add_argument("--size", type=int, default=75)
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed logits.f64 (needs --size 299)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("models", nargs="*", default=MODELS)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    worst = 0.0
    for name in args.models:
        out = logits(name, args.size, args)
        if args.check:
            assert args.size == 299, "--check compares with the 299x299 logits.f64"
            golden = np.fromfile(os.path.join(HERE, name, "logits.f64"), dtype="<f8").reshape(2, 1000)
            diff = float(np.max(np.abs(out - golden)))
            worst = max(worst, diff)
            print(f"{name}: max |logits - logits.f64| = {diff:.3g} (max |logit| "
                  f"{np.max(np.abs(golden)):.4g})", flush=True)
        else:
            path = os.path.join(HERE, name, f"logits{args.size}.f64")
            out.tofile(path)
            print(f"{name}: wrote {path}, max |logit| {np.max(np.abs(out)):.6g}", flush=True)
    if args.check and worst > 1e-12:
        sys.exit(f"max diff {worst:.3g} exceeds 1e-12")


if __name__ == "__main__":
    main()
