#!/usr/bin/python3
"""vkc-view's self-test cases, run under one X server (ctest: xvfb-run -a check_view.py ...).

  check_view.py VKC_VIEW ASSETS_DIR CASE

samples:      every sample gets the top-1 its file name says (NN_name.png: class NN), with the
              validation layer on and silent; the screenshot is a real rendering: not flat, and
              each of the 10 thumbnails the window reports as drawn shows its own image there.
good_and_bad: good images classified, each broken input listed with a message naming it,
              exit 1, no crash.
settings:     the model chosen on the command line is remembered in $XDG_CONFIG_HOME, a broken
              settings file is reported and the defaults used, a bad weights file fails clearly.
keyboard:     driven by xdotool as a person would: arrows, Enter (the detail fills the window,
              where Down steps by one image, not one row), Escape, Ctrl+C, Ctrl+O with a path
              typed into the file dialog, Ctrl+Q; each key sent once the X focus is on its
              window. Exit 77 (skipped) without xdotool.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from view_png import read_png, write_gray_png  # noqa: E402

# A thumbnail region must match its source image this well (Pearson correlation of the gray
# values, the source sampled where each screen pixel falls). The thumbnails are whole-factor
# nearest-neighbour enlargements drawn without scaling, so they match exactly (measured 1.0);
# the most alike other sample (a shirt for a pullover) scores 0.65, an empty cell 0.
MIN_THUMBNAIL_CORRELATION = 0.95
# A real rendering: a blank or one-colour window has a standard deviation near 0; the samples'
# window measures about 60.
MIN_SCREENSHOT_STDDEV = 20


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def run_view(view, args, tmp, config_home, expect_rc):
    state, shot = os.path.join(tmp, "state.json"), os.path.join(tmp, "window.png")
    for f in (state, shot):
        if os.path.exists(f):
            os.remove(f)
    env = dict(os.environ, GSK_RENDERER="cairo", XDG_CONFIG_HOME=config_home, NO_AT_BRIDGE="1")
    cmd = [view, "--quit-after-results", "--screenshot", shot, "--state-json", state] + args
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240)
    sys.stderr.write(p.stderr)
    if p.returncode != expect_rc:
        fail(f"{' '.join(cmd)}: exit {p.returncode}, expected {expect_rc}")
    if not os.path.exists(state):
        fail("no state file written")
    return json.load(open(state)), shot, p.stderr


def labels_of(assets):
    return open(os.path.join(assets, "fashion_mnist_labels.txt")).read().splitlines()


def check_labels(state, labels, good):
    by_path = {r["path"]: r for r in state["results"]}
    for path in good:
        r = by_path.get(path)
        if not r or "top" not in r:
            fail(f"{path}: no result in the window's state: {r}")
        expected = labels[int(os.path.basename(path)[:2])]
        if r["top"][0]["label"] != expected:
            fail(f"{path}: top-1 {r['top'][0]['label']}, expected {expected}")


def correlation(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    return cov / (va * vb) ** 0.5 if va and vb else 0.0


def check_screenshot(shot, state, sources):
    width, height, rows = read_png(shot)
    if [width, height] != state["window"]:
        fail(f"screenshot {width}x{height}, window {state['window']}")
    flat = [v for row in rows for v in row]
    mean = sum(flat) / len(flat)
    stddev = (sum((v - mean) ** 2 for v in flat) / len(flat)) ** 0.5
    print(f"screenshot {width}x{height}, gray stddev {stddev:.1f} (min {MIN_SCREENSHOT_STDDEV})")
    if stddev < MIN_SCREENSHOT_STDDEV:
        fail("the screenshot is (nearly) one colour")
    drawn = [(b, s) for b, s in zip(state["thumbnails"], sources) if b]
    if len(drawn) != len(sources):
        fail(f"{len(drawn)} thumbnails drawn, expected {len(sources)}")
    worst = 1.0
    for (x, y, w, h), source in drawn:
        sw, sh, src = read_png(source)
        x, y, w, h = int(x), int(y), int(w), int(h)
        shown = [rows[y + j][x + i] for j in range(h) for i in range(w)]
        expected = [src[j * sh // h][i * sw // w] for j in range(h) for i in range(w)]
        worst = min(worst, correlation(shown, expected))
    print(f"{len(drawn)} thumbnails drawn; lowest correlation with their images {worst:.4f} "
          f"(min {MIN_THUMBNAIL_CORRELATION})")
    if worst < MIN_THUMBNAIL_CORRELATION:
        fail("a thumbnail does not show its image")


def case_samples(view, assets, tmp):
    samples = os.path.join(assets, "samples")
    files = sorted(os.path.join(samples, f) for f in os.listdir(samples))
    state, shot, _ = run_view(view, ["--validation", samples], tmp, tmp, 0)
    check_labels(state, labels_of(assets), files)
    if state["validation_messages"] != 0:
        fail(f"{state['validation_messages']} validation messages")
    check_screenshot(shot, state, files)
    print("timings:", json.dumps(state["timings"]), "frames:", json.dumps(state["frames"]))


def case_good_and_bad(view, assets, tmp):
    d = os.path.join(tmp, "mixed")
    os.makedirs(d)
    samples = os.path.join(assets, "samples")
    good = []
    for name in ("01_trouser.png", "05_sandal.png", "08_bag.png"):
        shutil.copy(os.path.join(samples, name), d)
        good.append(os.path.join(d, name))
    bad = {os.path.join(d, "corrupt.png"): "not an image",
           os.path.join(d, "text.jpg"): "hello",
           os.path.join(d, "truncated.png"): open(os.path.join(samples, "02_pullover.png"), "rb").read()[:200]}
    for path, content in bad.items():
        with open(path, "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
    tiny = os.path.join(d, "tiny.png")  # decodes, but too small for the model's input
    write_gray_png(tiny, 4, 4, bytes(range(16)))
    missing = os.path.join(tmp, "missing.png")
    state, _, _ = run_view(view, [d, missing], tmp, tmp, 1)
    check_labels(state, labels_of(assets), good)
    errors = {r["path"]: r.get("error", "") for r in state["results"]}
    for path in list(bad) + [tiny, missing]:
        if path not in errors or path not in errors[path]:
            fail(f"{path}: expected an error naming it, got {errors.get(path)!r}")
    if state["problems"] != len(bad) + 2:
        fail(f"{state['problems']} problems listed, expected {len(bad) + 2}")
    print("errors listed:", json.dumps(errors, indent=1))


def case_settings(view, assets, tmp):
    weights = os.path.join(assets, "fashion_mnist_irv2.safetensors")
    config = os.path.join(tmp, "vkception", "vkc-view.json")
    args = ["--model", "inception_resnet_v2", "--weights", weights]
    state, _, _ = run_view(view, args, tmp, tmp, 0)
    saved = json.load(open(config))
    if saved["model"] != "inception_resnet_v2" or saved["weights"] != weights:
        fail(f"{config}: {saved}")
    state, _, _ = run_view(view, [], tmp, tmp, 0)  # no flags: the remembered model
    if state["model"]["settings"] != "inception_resnet_v2: fashion_mnist_irv2.safetensors":
        fail(f"not the remembered model: {state['model']}")
    not_weights = os.path.join(tmp, "not_weights.safetensors")
    open(not_weights, "w").write("not safetensors")
    state, _, _ = run_view(view, ["--model", "inception_v4", "--weights", not_weights], tmp, tmp, 1)
    if not_weights not in state["model"]["error"]:
        fail(f"the model error does not name the file: {state['model']}")
    if json.load(open(config)) != saved:
        fail("a model that failed to load replaced the remembered one")
    open(config, "w").write("{ broken")
    state, _, stderr = run_view(view, [], tmp, tmp, 0)
    if config not in stderr or state["model"]["settings"] != "Fashion-MNIST (bundled)":
        fail(f"broken settings: stderr {stderr!r}, model {state['model']}")


def wait_for_file(path, proc, seconds=120):
    end = time.monotonic() + seconds
    while not os.path.exists(path):
        if proc.poll() is not None:
            fail(f"vkc-view exited ({proc.returncode}) before writing {path}")
        if time.monotonic() > end:
            fail(f"no {path} after {seconds} s")
        time.sleep(0.1)
    state = json.load(open(path))
    os.remove(path)
    return state


def xdotool(*args):
    return subprocess.run(["xdotool"] + list(args), check=True, capture_output=True, text=True,
                          timeout=30).stdout


def visible_window(title):
    """The viewable window named `title`, once there is one."""
    return xdotool("search", "--sync", "--onlyvisible", "--name", f"^{title}$").split()[0]


def is_visible(window, title):
    """Whether `window` (named `title`) is still viewable."""
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
                       capture_output=True, text=True, timeout=30)
    return window in r.stdout.split()


def focus(title):
    """The X input focus on the viewable window named `title`, set and waited for: keys sent
    after it go to that window (there is no window manager)."""
    window = visible_window(title)
    xdotool("windowfocus", "--sync", window)
    return window


def press_until_closed(key, window, title, seconds=30):
    """Presses `key` every 0.25 s until `window` is no longer viewable; returns how many times.
    The file dialog ignores Enter until it has loaded the folder of the typed path (about 0.2 s
    here, and nothing outside the process shows when), and closes about 0.5 s after the Enter it
    takes: a press while it closes is dropped with it, one after it goes to the root window (the
    pointer is parked off every window)."""
    end = time.monotonic() + seconds
    presses = 0
    while is_visible(window, title):
        if time.monotonic() > end:
            fail(f"{title!r} still open after {presses} presses of {key} in {seconds} s")
        xdotool("key", key)
        presses += 1
        pressed = time.monotonic()
        while time.monotonic() < pressed + 0.25 and is_visible(window, title):
            time.sleep(0.02)
    return presses


def case_keyboard(view, assets, tmp):
    if not shutil.which("xdotool"):
        print("SKIP: xdotool not installed (Debian: apt-get install xdotool)")
        sys.exit(77)
    samples = os.path.join(assets, "samples")
    state = os.path.join(tmp, "state.json")
    env = dict(os.environ, GSK_RENDERER="cairo", XDG_CONFIG_HOME=tmp, NO_AT_BRIDGE="1")
    proc = subprocess.Popen([view, "--state-json", state, samples], env=env)
    try:
        def keys(*names):
            xdotool("key", "--delay", "50", *names)
        ready = wait_for_file(state, proc)  # written when the results are in
        # The pointer in the screen's corner, off the window (at (0, 0) without a window
        # manager): keys reach a window only through the focus set below, never by falling to
        # the one under the pointer.
        width, height = map(int, xdotool("getdisplaygeometry").split())
        if ready["window"][0] >= width and ready["window"][1] >= height:
            fail(f"the {ready['window']} window covers the {width}x{height} screen")
        xdotool("mousemove", "--sync", str(width - 1), str(height - 1))
        focus("vkc-view")
        # 4 thumbnails a row in the 1100-pixel window: Down in the grid would go from 2 to 6.
        keys("Right", "Right", "Return", "Down", "Escape", "ctrl+c", "ctrl+o")
        dialog = focus("Open images")
        added = os.path.join(samples, "03_dress.png")
        keys("ctrl+l")  # the location entry: type a path
        xdotool("type", "--delay", "20", added)
        presses = press_until_closed("Return", dialog, "Open images")
        s = wait_for_file(state, proc)  # the added image classified
        print(f"Enter pressed {presses} times until the file dialog closed")
        focus("vkc-view")
        keys("ctrl+q")
        if proc.wait(timeout=60) != 0:
            fail(f"exit {proc.returncode} after Ctrl+Q")
    finally:
        if proc.poll() is None:
            proc.kill()
    got = {"selected": s["selected"], "full_detail": s["full_detail"], "copies": s["copies"],
           "images": len(s["results"]), "last": s["results"][-1]["path"]}
    want = {"selected": 3, "full_detail": False, "copies": 1, "images": 11, "last": added}
    print("after the keys:", got)
    if got != want:
        fail(f"expected {want}")
    if not os.path.exists(state):
        fail("no state file written on Ctrl+Q")


def main():
    view, assets, case = sys.argv[1:4]
    tmp = tempfile.mkdtemp(prefix="vkc-view-test.")
    try:
        {"samples": case_samples, "good_and_bad": case_good_and_bad,
         "settings": case_settings, "keyboard": case_keyboard}[case](view, assets, tmp)
    finally:
        shutil.rmtree(tmp)
    print("PASS")


if __name__ == "__main__":
    main()
