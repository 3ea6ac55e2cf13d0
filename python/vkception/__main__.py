"""python3 -m vkception [options] IMAGE|DIR...: each image's top classes, printed as vkc-classify
prints them (the same inputs, order, labels and probabilities; --json: the same JSON Lines).

With no --model and no --weights: the bundled Fashion-MNIST model. Exit status: 0 ok, 1 some
input failed (reported on stderr and skipped, the rest classified), 2 usage error."""
import argparse
import json
import os
import sys

from . import Error, Network, assets_dir
from ._vkception import _has_image_extension

DEFAULT_MODEL = "inception_resnet_v2"  # apps/common/model_choice.hpp: kDefaultModel
DEFAULT_WEIGHTS = "fashion_mnist_irv2.safetensors"
DETERMINISTIC = "deterministic"  # --weights value: untrained test weights (weights=None)


def collect_images(inputs):
    """As vkc-classify (apps/common/image_inputs.cpp): files as given, folders searched
    recursively for image files, each folder's files sorted. Returns (images, problems)."""
    images, problems = [], []
    for given in inputs:
        if os.path.isdir(given):
            found = []
            for root, _, files in os.walk(given):
                for name in files:
                    path = os.path.join(root, name)
                    if os.path.isfile(path) and _has_image_extension(path):
                        found.append(path)
            if not found:
                problems.append(f"{given}: no images in this directory")
            images += sorted(found)
        elif os.path.exists(given):
            images.append(given)
        else:
            problems.append(f"{given}: no such file or directory")
    return images, problems


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python3 -m vkception", description=__doc__.splitlines()[0])
    p.add_argument("inputs", nargs="+", metavar="IMAGE|DIR")
    p.add_argument("--model", help="inception_v4, inception_resnet_v2, inception_resnet_v1, "
                                   "inception_v3 (needs --weights)")
    p.add_argument("--weights", help=".safetensors weights; 'deterministic': untrained test "
                                     "weights, for tests")
    p.add_argument("--labels", help="class names, one per line (default: bundled for known models)")
    p.add_argument("--top", type=int, default=5, help="labels printed per image (default 5)")
    p.add_argument("--batch", type=int, default=8, help="images per GPU submit (default 8)")
    p.add_argument("--device", type=int, help="Vulkan device index (default: best, or VKC_DEVICE)")
    p.add_argument("--precision", choices=["fp32", "fp16"], default="fp32")
    p.add_argument("--json", action="store_true", help="one JSON object per image (JSON Lines)")
    args = p.parse_args(argv)
    if args.top < 1 or args.batch < 1:
        p.error("--top and --batch need a positive integer")
    if args.model and not args.weights:
        p.error(f"--model {args.model} needs --weights FILE (without it: untrained test weights, "
                "confident nonsense); where weights come from: README.md, \"Real ImageNet "
                f"weights\"; for tests: --weights {DETERMINISTIC}")
    if not args.model and not args.weights:
        args.weights = os.path.join(assets_dir(), DEFAULT_WEIGHTS)
    args.model = args.model or DEFAULT_MODEL
    if args.weights == DETERMINISTIC:
        args.weights = None
    return args


def print_result(args, name, top):
    if args.json:
        record = {"image": name, "top": [{"class": c, "label": label, "probability": p}
                                         for c, label, p in top]}
        print(json.dumps(record, separators=(",", ":")))
        return
    print(name)
    for i, (c, label, p) in enumerate(top, 1):
        print(f"  {i}. {label:<30} {100 * p:6.2f}%  (class {c})")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    images, problems = collect_images(args.inputs)
    for problem in problems:
        print(f"vkception: {problem}", file=sys.stderr)
    if not images:
        return 1
    failures = len(problems)
    try:
        net = Network(args.model, args.weights, device=args.device, precision=args.precision,
                      labels=args.labels)
    except Error as e:
        print(f"vkception: {e}", file=sys.stderr)
        return 1
    for start in range(0, len(images), args.batch):
        chunk = images[start:start + args.batch]
        try:
            results = list(zip(chunk, net.classify(chunk, top=args.top, batch=args.batch)))
        except Error:  # one image at a time, so that a bad one is reported and the rest kept
            results = []
            for path in chunk:
                try:
                    results.append((path, net.classify(path, top=args.top)[0]))
                except Error as e:
                    print(f"vkception: {e}", file=sys.stderr)
                    failures += 1
        for path, top in results:
            print_result(args, path, top)
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # stdout closed early (| head): quiet, as vkc-classify
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
