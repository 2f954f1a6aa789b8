#!/usr/bin/env python3
"""Drive a gasdep report.html in headless Chromium through ChromeDriver's
WebDriver HTTP API (standard library only).

Usage: check_report.py REPORT_HTML SUMMARY_JSON SCREENSHOT_PNG FOCUS

Checks, in order, and exits 1 with the reason at the first failure:
- the page loads from file:// with every network request refused (the
  browser's proxy points at a closed port): no console error, no resource
  fetched from anything but data:, blob: or file:, every image decoded;
- the focus node's headline table is above the fold and holds numbers;
- the explorer: choosing another country, then another metric, changes the
  table, and its medians equal the summary's (display units, to the
  precision shown); hovering the fan chart shows the values; the CSV of the
  table has one row per row shown.
Prints a JSON line of what it saw; saves a screenshot of the first screen.
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


def factor(unit):
    """Display factor of a stored unit, as the report applies it."""
    u = unit.strip().lower()
    if u in ("share", "fraction"):
        return 100.0
    if "eur" in u and "/" not in u:
        return 1e-3 if "eur m" in u else 1.0
    return 1.0


def matches(shown, want):
    """`shown` (text) equals `want` to the decimals it is written with."""
    try:
        v = float(shown.replace("\u2212", "-").split()[0])
    except (ValueError, IndexError):
        return False
    decimals = len(shown.split()[0].split(".")[1]) if "." in shown.split()[0] else 0
    return abs(v - want) <= 0.51 * 10 ** -decimals + 1e-9 * abs(want)


class Page:
    def __init__(self, port, sid):
        self.port, self.sid = port, sid

    def js(self, script, *args):
        return call(self.port, "POST", f"/session/{self.sid}/execute/sync",
                    {"script": script, "args": list(args)})["value"]


def fail(msg, seen):
    seen["failure"] = msg
    print(json.dumps(seen))
    return 1


def expected_medians(summary, node, metric, year):
    out = {}
    for s in summary["series"]:
        if s["node"] == node and s["metric"] == metric and s["resolution"] == "year" and year in s["periods"]:
            st = s["stats"][s["periods"].index(year)]
            out[s["policy"]] = st["p50"] * factor(s["unit"])
    return out


def check_table(page, summary, seen, tag):
    st = page.js("return window.gasdepExplorer.state;")
    rows = page.js("""return Array.from(document.querySelectorAll('#ex-table tr[data-policy]')).map(
        r => [r.dataset.policy, r.querySelector('td[data-col=p50]').textContent]);""")
    seen[tag] = {"node": st["node"], "metric": st["metric"], "year": st["year"], "rows": rows}
    if not rows:
        return f"{tag}: the explorer's table is empty"
    want = expected_medians(summary, st["node"], st["metric"], st["year"])
    for pol, text in rows:
        if pol not in want:
            return f"{tag}: policy {pol} has no {st['metric']} for {st['node']} in {st['year']} in the summary"
        if text != "n/a" and not matches(text, want[pol]):
            return f"{tag}: {pol} median shown {text}, summary says {want[pol]}"
    return None


def main():
    report, summary_path, shot, focus = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    summary = json.load(open(summary_path))
    seen = {}
    port = free_port()
    driver = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dead = free_port()  # nothing listens here: every proxied request fails
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
                f"--proxy-server=http://127.0.0.1:{dead}", "--proxy-bypass-list=<-loopback>",
                f"--user-data-dir={profile}", "--window-size=1280,1000"]}}}}
        sid = call(port, "POST", "/session", caps)["value"]["sessionId"]
        page = Page(port, sid)
        try:
            call(port, "POST", f"/session/{sid}/url", {"url": "file://" + report})
            png = call(port, "GET", f"/session/{sid}/screenshot")["value"]
            with open(shot, "wb") as f:
                f.write(base64.b64decode(png))
            images = page.js("""return Array.from(document.images).map(i => ({ok: i.complete && i.naturalWidth > 0}));""")
            seen["images"] = len(images)
            remote = page.js("""return performance.getEntriesByType('resource').map(e => e.name)
                .filter(n => !/^(data|blob|file):/.test(n));""")
            external = page.js("""return Array.from(document.querySelectorAll('[src],[href]')).map(e => e.getAttribute('src') || e.getAttribute('href'))
                .filter(u => /^(https?:)?\\/\\//.test(u));""")
            seen["remote_requests"] = remote + external
            head = page.js("""const e = document.getElementById('headline-' + arguments[0]);
                if (!e) return null;
                const r = e.getBoundingClientRect();
                const t = e.querySelector('table');
                return {top: r.top, fold: window.innerHeight, title: e.querySelector('h2').textContent,
                        cells: t ? Array.from(t.querySelectorAll('td[data-metric] b')).map(b => b.textContent) : []};""", focus)
            seen["headline"] = head
            if not images:
                return fail("no images in the report", seen)
            if not all(i["ok"] for i in images):
                return fail("an image did not load", seen)
            if seen["remote_requests"]:
                return fail("the page asks for network resources", seen)
            if head is None:
                return fail(f"no headline for focus {focus}", seen)
            if not head["top"] < head["fold"] - 150:
                return fail("the focus headline is not above the fold", seen)
            if not any(any(ch.isdigit() for ch in c) for c in head["cells"]):
                return fail("the focus headline has no numbers", seen)
            if page.js("return typeof window.gasdepExplorer;") != "object":
                return fail("the explorer did not start", seen)
            err = check_table(page, summary, seen, "start")
            if err:
                return fail(err, seen)
            first = seen["start"]
            other = page.js("""const s = document.getElementById('ex-node');
                const o = Array.from(s.options).map(o => o.value).find(v => v !== s.value);
                s.value = o; s.dispatchEvent(new Event('change')); return o;""")
            err = check_table(page, summary, seen, "country")
            if err:
                return fail(err, seen)
            if seen["country"]["node"] != other or seen["country"]["rows"] == first["rows"]:
                return fail("choosing another country did not change the table", seen)
            metric = page.js("""const s = document.getElementById('ex-metric');
                const vs = Array.from(s.options).map(o => o.value);
                const o = vs.includes('cost') && s.value !== 'cost' ? 'cost' : vs.find(v => v !== s.value && v !== 'n_minus_1');
                s.value = o; s.dispatchEvent(new Event('change')); return o;""")
            err = check_table(page, summary, seen, "metric")
            if err:
                return fail(err, seen)
            if seen["metric"]["metric"] != metric or seen["metric"]["rows"] == seen["country"]["rows"]:
                return fail("choosing another metric did not change the table", seen)
            tip = page.js("""const r = document.querySelector('#ex-fan rect.hit');
                if (!r) return null;
                const b = r.getBoundingClientRect();
                r.dispatchEvent(new MouseEvent('mousemove', {clientX: b.left + b.width * 0.7, clientY: b.top + b.height / 2, bubbles: true}));
                const t = document.getElementById('ex-tip');
                return {shown: t.style.display, text: t.textContent};""")
            seen["hover"] = tip
            if not tip or tip["shown"] != "block" or not any(ch.isdigit() for ch in tip["text"]):
                return fail("hovering the fan chart shows no values", seen)
            csv = page.js("return window.gasdepExplorer.csv();")
            lines = [l for l in csv.splitlines() if l]
            seen["csv_rows"] = len(lines) - 1
            if len(lines) - 1 != len(seen["metric"]["rows"]) or not lines[0].startswith("node,metric"):
                return fail("the CSV does not hold the table shown", seen)
            logs = call(port, "POST", f"/session/{sid}/se/log", {"type": "browser"})["value"]
            errors = [l for l in logs if l.get("level") in ("SEVERE", "ERROR")]
            seen["console_errors"] = errors
            if errors:
                return fail("console errors", seen)
        finally:
            call(port, "DELETE", f"/session/{sid}")
    finally:
        driver.terminate()
        driver.wait(timeout=10)
    print(json.dumps(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
