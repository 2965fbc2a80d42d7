#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Drives kmqcompare's HTML report in headless Chromium, as a user would.

Usage: html_report_test.py KMQCOMPARE SAMPLE_IMAGE OUTPUT_DIR

Builds a two-image report, opens it with the network switched off, moves the K slider with the
keyboard and switches the image chooser, and checks that the displayed reconstruction, the K
readout and the pixels on screen change, that no script error is thrown and that the page asks
for nothing but its own file and embedded data. A report built with the web decoder holds each
K's .kmq file and decodes it in the page; the same report with --html-pictures png holds PNG
pictures instead, and is larger. Screenshots are left in OUTPUT_DIR.

Talks to Chromium through its DevTools protocol over --remote-debugging-pipe (file descriptors
3 and 4, NUL-terminated JSON messages), so it needs only the Python standard library.
Exits 77 (CTest's skip code) when no Chromium is installed.
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
TIMEOUT_SECONDS = 60


class Failure(Exception):
    pass


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def write_gradient_ppm(path, width, height):
    pixels = bytearray()
    for y in range(height):
        for x in range(width):
            pixels += bytes((x * 255 // (width - 1), y * 255 // (height - 1), 128))
    with open(path, "wb") as out:
        out.write(b"P6\n%d %d\n255\n" % (width, height) + bytes(pixels))


def write_rgba_pam(path, width, height):
    """Left half fully transparent, right half an opaque gradient."""
    pixels = bytearray()
    for y in range(height):
        for x in range(width):
            if x < width // 2:
                pixels += bytes((x * 7 % 256, y * 5 % 256, 90, 0))
            else:
                pixels += bytes((x * 255 // (width - 1), 40, y * 255 // (height - 1), 255))
    header = ("P7\nWIDTH %d\nHEIGHT %d\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n"
              % (width, height)).encode()
    with open(path, "wb") as out:
        out.write(header + bytes(pixels))


class DevTools:
    """One Chromium process and the protocol session of one page."""

    def __init__(self, chromium, profile_dir):
        # Keep our pipe ends away from 3 and 4, which the child's copies must occupy.
        to_browser_r, to_browser_w = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in os.pipe())
        from_browser_r, from_browser_w = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in os.pipe())

        def child_fds():
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--user-data-dir=" + profile_dir, "--no-first-run",
             "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--proxy-server=127.0.0.1:9", "--window-size=1280,2000",
             "about:blank"],
            # preexec_fn runs before the child closes descriptors, so keep 3 and 4 by number.
            pass_fds=(3, 4), preexec_fn=child_fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.writer, self.reader = to_browser_w, from_browser_r
        self.buffer = b""
        self.next_id = 0
        self.session = None
        self.events = []

    def close(self):
        try:
            self.send("Browser.close", session=False, wait=False)
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self.writer)
        os.close(self.reader)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Failure("Chromium did not answer in time")
            ready, _, _ = select.select([self.reader], [], [], remaining)
            if ready:
                chunk = os.read(self.reader, 1 << 20)
                if not chunk:
                    raise Failure("Chromium closed the DevTools pipe (did it start?)")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=True, wait=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.writer, json.dumps(message).encode() + b"\0")
        if not wait:
            return None
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise Failure("%s failed: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def open_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(domain + ".enable")

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise Failure("evaluating %r threw: %s" % (expression, result["exceptionDetails"]))
        return result["result"].get("value")

    def wait_for(self, expression, what):
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.1)
        raise Failure("timed out waiting for " + what)

    def screenshot(self, path):
        data = base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])
        with open(path, "wb") as out:
            out.write(data)
        return data

    def press(self, key, code, key_code):
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": code,
                                                 "windowsVirtualKeyCode": key_code})


VIEW_STATE = """(() => ({
  src: document.getElementById('reconstruction-view').src,
  original: document.getElementById('original-view').src,
  k: document.getElementById('k-value').textContent,
  slider: document.getElementById('k-slider').value,
  swatches: document.getElementById('palette').children.length,
  loaded: document.getElementById('reconstruction-view').complete &&
          document.getElementById('reconstruction-view').naturalWidth > 0,
}))()"""


# The reconstruction asked for last is on screen: decoded (when the report holds .kmq files),
# drawn and loaded.
PICTURES_SHOWN = ("window.kmqPicturesShown === window.kmqPicturesRequested && "
                  "document.getElementById('reconstruction-view').complete")

EMBEDDING = """(() => ({
  kmq: JSON.parse(document.getElementById('kmq-data').textContent).images
       .every((image) => image.results.every((r) => typeof r.kmq === 'string' && !r.display)),
  decoder: typeof KmqDecoder,
  decoded: window.kmqDecodedFiles,
}))()"""


def check(condition, message):
    if not condition:
        raise Failure(message)


def run_browser(chromium, report, output_dir, embeds_kmq):
    profile = tempfile.mkdtemp(prefix="kmq_chromium_")
    browser = DevTools(chromium, profile)
    try:
        browser.open_page()
        url = "file://" + os.path.abspath(report)
        browser.send("Page.navigate", {"url": url})
        browser.wait_for("document.body && document.body.dataset.ready === 'true'",
                         "the report to set data-ready")
        browser.wait_for(PICTURES_SHOWN, "the image")
        before = browser.evaluate(VIEW_STATE)
        check(before["loaded"], "the reconstruction did not load: %r" % before)
        check(before["src"].startswith("data:image/png;base64,"), "reconstruction is not embedded")
        check(before["swatches"] > 0, "no palette swatches")
        embedding = browser.evaluate(EMBEDDING)
        if embeds_kmq:
            check(embedding["kmq"], "the report does not hold every K's .kmq file")
            check(embedding["decoder"] == "object", "the web decoder is not in the page")
            check(embedding["decoded"] >= 1, "no .kmq file was decoded in the page")
        else:
            check(embedding["decoder"] == "undefined", "a PNG report carries the decoder")
            check(embedding["decoded"] == 0, "a PNG report decoded a .kmq file")
        # The rate-distortion curves: bytes against PSNR and SSIM, with and without RD labels.
        curves = browser.evaluate("""[...document.querySelectorAll(
            '#curve-psnr-plot polyline.curve, #curve-ssim-plot polyline.curve')]
            .map((line) => line.getAttribute('points').trim().split(' ').length)""")
        check(curves == [3, 3, 3, 3], "the RD curves are not drawn for both labellings: %r" % curves)
        shot_before = browser.screenshot(os.path.join(output_dir, "report_before.png"))

        # The slider, moved the way a user does it: focus, then the right arrow key.
        browser.evaluate("document.getElementById('k-slider').focus()")
        browser.press("ArrowRight", "ArrowRight", 39)
        browser.wait_for(PICTURES_SHOWN, "the image")
        after = browser.evaluate(VIEW_STATE)
        check(int(after["slider"]) == int(before["slider"]) + 1,
              "the arrow key did not move the slider: %r -> %r" % (before, after))
        check(after["src"] != before["src"], "moving the slider left the image unchanged")
        check(after["k"] != before["k"], "the K readout did not change: %r" % after["k"])
        check(after["loaded"], "the new reconstruction did not load")
        time.sleep(0.2)  # let the compositor paint the new picture
        shot_after = browser.screenshot(os.path.join(output_dir, "report_after_slider.png"))
        check(shot_after != shot_before, "the screen did not change when the slider moved")

        # The image chooser.
        browser.evaluate("""(() => { const s = document.getElementById('image-select');
            s.value = '1'; s.dispatchEvent(new Event('change')); })()""")
        browser.wait_for(PICTURES_SHOWN, "the image")
        other = browser.evaluate(VIEW_STATE)
        check(other["original"] != after["original"], "choosing an image left the original")
        check(other["src"] not in (before["src"], after["src"]), "the reconstruction stayed")
        browser.screenshot(os.path.join(output_dir, "report_second_image.png"))

        # An image with alpha: shown on a checkerboard, its transparent entry named as such, and
        # the JPEG column said to drop alpha.
        browser.evaluate("""(() => { const s = document.getElementById('image-select');
            s.value = '2'; s.dispatchEvent(new Event('change')); })()""")
        browser.wait_for(PICTURES_SHOWN, "the image")
        alpha = browser.evaluate("""(() => ({
            checkered: getComputedStyle(document.getElementById('reconstruction-view'))
                .backgroundImage.includes('conic-gradient'),
            transparent: document.querySelectorAll('#palette .swatch.transparent').length,
            note: document.getElementById('alpha-note').textContent }))()""")
        check(alpha["checkered"], "the RGBA reconstruction is not on a checkerboard")
        check(alpha["transparent"] == 1, "no swatch marked transparent: %r" % alpha)
        check("no alpha" in alpha["note"], "the JPEG alpha note is missing: %r" % alpha)
        browser.evaluate("""(() => { const s = document.getElementById('image-select');
            s.value = '0'; s.dispatchEvent(new Event('change')); })()""")
        check(browser.evaluate("document.getElementById('alpha-note').textContent") == "",
              "the alpha note shows for an RGB image")
        browser.screenshot(os.path.join(output_dir, "report_rgba_image.png"))

        problems = []
        for event in browser.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                problems.append("script error: %s" % params["exceptionDetails"])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                problems.append("console error: %s" % params["entry"].get("text"))
            elif method == "Network.requestWillBeSent":
                requested = params["request"]["url"]
                if requested != url and not requested.startswith("data:"):
                    problems.append("network request: " + requested)
        check(not problems, "\n".join(problems))
        print("K %s -> %s, image 0 -> 1; screenshots in %s" % (before["k"], after["k"], output_dir))
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    if len(sys.argv) != 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    kmqcompare, sample, output_dir = sys.argv[1:]
    chromium = find_chromium()
    if not chromium:
        print("SKIPPED: no Chromium installed (apt-get install chromium); "
              "the HTML report was not tested in a browser")
        return SKIP
    os.makedirs(output_dir, exist_ok=True)
    gradient = os.path.join(output_dir, "gradient.ppm")
    write_gradient_ppm(gradient, 96, 64)
    rgba = os.path.join(output_dir, "rgba.pam")
    write_rgba_pam(rgba, 80, 48)
    report = os.path.join(output_dir, "report.html")
    png_report = os.path.join(output_dir, "report_png.html")
    common = [kmqcompare, sample, gradient, rgba, "-k", "4,16,64", "--html-max-side", "320",
              "--rd", "24", "--force", "--quiet"]
    subprocess.run(common + ["--html", report], check=True)
    subprocess.run(common + ["--html", png_report, "--html-pictures", "png"], check=True)
    with open(report, encoding="utf-8") as page:
        embeds_kmq = '"kmq":"' in page.read()
    try:
        if embeds_kmq:
            # At the default K list and picture size, the sample's files and the decoder take
            # less room than PNG pictures of them.
            sizes = []
            for pictures in ("kmq", "png"):
                out = os.path.join(output_dir, "sample_%s.html" % pictures)
                subprocess.run([kmqcompare, sample, "--html", out,
                                "--html-pictures", pictures, "--force", "--quiet"], check=True)
                sizes.append(os.path.getsize(out))
            check(sizes[0] < sizes[1], "the report of .kmq files (%d bytes) is not smaller than "
                  "the PNG one (%d)" % tuple(sizes))
            print("report of the sample at the default K list: %d bytes with .kmq files and the "
                  "decoder, %d with PNG pictures" % tuple(sizes))
        else:
            print("NOTE: kmqcompare was built without the web decoder; PNG reports only")
        run_browser(chromium, report, output_dir, embeds_kmq)
        run_browser(chromium, png_report, output_dir, False)
    except Failure as failure:
        print("FAILED: %s" % failure, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
