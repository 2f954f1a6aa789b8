#!/usr/bin/env python3
"""Open a gasdep report.html in headless Chromium through ChromeDriver's
WebDriver HTTP API (standard library only), check that every image loaded
and that the console shows no errors, and save a screenshot.

Usage: check_report.py REPORT_HTML SCREENSHOT_PNG
Exit 0 when the page is sound, 1 with a reason otherwise.
"""
import base64, json, os, socket, subprocess, sys, tempfile, time, urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"{}")


def main():
    report, shot = os.path.abspath(sys.argv[1]), sys.argv[2]
    port = free_port()
    driver = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                call(port, "GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        profile = tempfile.mkdtemp(prefix="gasdep-chromium-")
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={profile}", "--window-size=1280,1000"]}}}}
        sid = call(port, "POST", "/session", caps)["value"]["sessionId"]
        try:
            call(port, "POST", f"/session/{sid}/url", {"url": "file://" + report})
            images = call(port, "POST", f"/session/{sid}/execute/sync", {"script": """
                return Array.from(document.images).map(i => ({src: i.src.slice(0, 40), ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth}));
            """, "args": []})["value"]
            logs = call(port, "POST", f"/session/{sid}/se/log", {"type": "browser"})["value"]
            png = call(port, "GET", f"/session/{sid}/screenshot")["value"]
            with open(shot, "wb") as f:
                f.write(base64.b64decode(png))
        finally:
            call(port, "DELETE", f"/session/{sid}")
    finally:
        driver.terminate()
        driver.wait(timeout=10)
    errors = [l for l in logs if l.get("level") in ("SEVERE", "ERROR")]
    bad = [i for i in images if not i["ok"]]
    print(json.dumps({"images": len(images), "not_loaded": bad, "console_errors": errors}))
    if not images:
        print("no images in the report"); return 1
    if bad or errors:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
