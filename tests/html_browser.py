#!/usr/bin/python3
"""html_browser.py: the HTML report as a browser renders it (issue 12).

Speaks the W3C WebDriver protocol (HTTP + JSON, standard library only) to
Debian's chromedriver, which drives headless Chromium; no Selenium.

  html_browser.py count
      the number of TAP points `run` prints
  html_browser.py run --html F --json J --race-html R --race-json RJ
                      --cases DIR --shots DIR [--tap-start N]
      opens the reports from file:// and prints TAP points numbered from N+1
      about the rendered DOM (tests/html_browser_test.sh). Every point is
      printed, also when the browser does not start (then they are not ok).
  html_browser.py shots --html F --out DIR [--matrix M]
      the README screenshots (tests/html_screenshots.sh)

Every wait is bounded; the session is deleted and chromedriver (with the
browser it started, one process group) is killed at exit, also on SIGTERM,
SIGINT and the overall --deadline.
"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

CHROMEDRIVER = os.environ.get("IFM_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("IFM_CHROMIUM", "/usr/bin/chromium")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"     # the W3C web element key


class WebDriverError(Exception):
    pass


class Deadline(BaseException):
    """The whole run took longer than --deadline (not an Exception: no check swallows it)."""


def _on_deadline(signum, frame):
    raise Deadline("overall deadline reached")


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


# ---------------------------------------------------------------- WebDriver

class Driver:
    """One chromedriver process on a free loopback port, in its own process group."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.proc = None
        self.base = None
        self.sessions = []
        self.log = os.path.join(workdir, "chromedriver.log")

    def start(self):
        for _ in range(3):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            s.close()
            logf = open(self.log, "ab")
            self.proc = subprocess.Popen(
                [CHROMEDRIVER, "--port=%d" % port, "--allowed-ips=127.0.0.1", "--log-level=WARNING"],
                stdin=subprocess.DEVNULL, stdout=logf, stderr=logf, start_new_session=True)
            logf.close()
            self.base = "http://127.0.0.1:%d" % port
            end = time.monotonic() + 15
            while time.monotonic() < end and self.proc.poll() is None:
                try:
                    if self.request("GET", "/status", timeout=2).get("ready"):
                        return
                except (OSError, WebDriverError):
                    pass
                time.sleep(0.1)
            self._kill()
        raise WebDriverError("chromedriver did not start: " + self.tail_log())

    def tail_log(self, n=15):
        try:
            with open(self.log, errors="replace") as f:
                return " | ".join(f.read().splitlines()[-n:])
        except OSError:
            return "(no log)"

    def request(self, method, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                raw = r.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
        try:
            value = json.loads(raw.decode("utf-8") or "{}").get("value")
        except ValueError:
            raise WebDriverError("%s %s: not JSON: %r" % (method, path, raw[:200]))
        if isinstance(value, dict) and value.get("error"):
            raise WebDriverError("%s %s: %s: %s" % (method, path, value["error"],
                                                     (value.get("message") or "").splitlines()[0][:300]))
        return value

    def session(self, args=(), prefs=None):
        profile = tempfile.mkdtemp(prefix="profile.", dir=self.workdir)
        opts = {
            "binary": CHROMIUM,
            # --no-sandbox: CI runs as root in a fresh root, where Chromium
            # refuses to start sandboxed; --disable-dev-shm-usage: containers
            # often have no (or a tiny) /dev/shm.
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                     "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--no-first-run",
                     "--no-default-browser-check", "--disable-extensions",
                     "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
                     "--force-device-scale-factor=1", "--lang=en-US", "--mute-audio"] + list(args),
        }
        if prefs:
            opts["prefs"] = prefs
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": opts,
            "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"},
            "timeouts": {"implicit": 0, "pageLoad": 30000, "script": 20000},
        }}}
        value = self.request("POST", "/session", caps, timeout=60)
        s = Session(self, value["sessionId"], value.get("capabilities", {}))
        self.sessions.append(s)
        return s

    def _kill(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:   # the browser it started shares its process group
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None

    def stop(self):
        for s in list(self.sessions):
            s.delete()
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.request("GET", "/shutdown", timeout=5)
                self.proc.wait(timeout=5)
            except (OSError, WebDriverError, subprocess.TimeoutExpired):
                pass
        self._kill()


class Session:
    def __init__(self, driver, sid, caps):
        self.driver = driver
        self.id = sid
        self.caps = caps

    def cmd(self, method, path, body=None, timeout=30):
        return self.driver.request(method, "/session/%s%s" % (self.id, path), body, timeout)

    def delete(self):
        if self in self.driver.sessions:
            self.driver.sessions.remove(self)
            try:
                self.cmd("DELETE", "", timeout=15)
            except (OSError, WebDriverError):
                pass

    def get(self, url):
        """Navigates, then waits (20 s at most) until the new document is
        the one shown and wholly parsed: twice in CI a check ran on a page
        whose DOM held only its first tables, though WebDriver's navigation
        waits for the load by default. The old document is marked first, so
        its readyState cannot pass for the new one's."""
        try:
            self.js("window.__ifmOld = true;")
        except WebDriverError:
            pass
        self.cmd("POST", "/url", {"url": url}, timeout=40)
        end = time.monotonic() + 20
        while time.monotonic() < end:
            try:
                if self.js("return !window.__ifmOld && document.readyState === 'complete' && "
                           "!!document.body && !!document.body.lastElementChild;"):
                    return
            except WebDriverError:
                pass
            time.sleep(0.05)
        raise WebDriverError("the page %s did not finish loading within 20 s" % url)

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css, root=None):
        path = "/element/%s/elements" % root if root else "/elements"
        return [e[ELEMENT] for e in self.cmd("POST", path, {"using": "css selector", "value": css})]

    def click(self, eid):
        self.cmd("POST", "/element/%s/click" % eid, {})

    def displayed(self, eid):
        return self.cmd("GET", "/element/%s/displayed" % eid)

    def screenshot(self):
        return base64.b64decode(self.cmd("GET", "/screenshot", timeout=40))

    def element_screenshot(self, eid):
        return base64.b64decode(self.cmd("GET", "/element/%s/screenshot" % eid, timeout=40))

    def cdp(self, command, params=None):
        return self.cmd("POST", "/goog/cdp/execute", {"cmd": command, "params": params or {}})

    def log(self, kind):
        return self.cmd("POST", "/se/log", {"type": kind})


def file_url(path):
    return "file://" + urllib.request.pathname2url(os.path.abspath(path))


# ---------------------------------------------------------------- page facts
# Scripts run in the page through WebDriver (they work with the page's own
# JavaScript turned off too: WebDriver evaluates them over DevTools).

JS_VISIBLE = """
function vis(el) {
  if (!el) return false;
  if (el.closest('[hidden]')) return false;
  if (getComputedStyle(el).display === 'none') return false;
  if (el.getClientRects().length === 0) return false;
  return el.checkVisibility ? el.checkVisibility({visibilityProperty: true}) : true;
}
"""

JS_ORDER = """
const top = [];       // the body's children, those of a <main> among them in its place
for (const e of document.body.children)
  if (e.tagName.toLowerCase() === 'main') top.push(...e.children); else top.push(e);
return {
  children: top.map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')),
  sections: Array.from(document.querySelectorAll('body > section, body > main > section')).map(e => e.id),
};
"""

JS_RACE = JS_VISIBLE + """
const num = s => parseFloat(s) || 0;
return Array.from(document.querySelectorAll('figure.race')).map(f => {
  const art = f.closest('article');
  const group = f.closest('section.req-group');
  const top = f.closest('body > section, body > main > section');
  return {
    case: f.getAttribute('data-case'), round: f.getAttribute('data-round'), kind: f.getAttribute('data-kind'),
    article: art ? art.id : null, group: group ? group.getAttribute('data-req') : null, section: top ? top.id : null,
    caption: (f.querySelector('figcaption') || {}).textContent || '',
    message: art ? art.textContent.replace(/\\s+/g, ' ') : '',
    svg: !!f.querySelector('svg'), visible: vis(f),
    spread: !!f.querySelector('text.spread'),
    lanes: Array.from(f.querySelectorAll('g.lane')).map(g => {
      const bars = Array.from(g.querySelectorAll('rect.bar')).map(b => {
        const cs = getComputedStyle(b);
        return {cls: Array.from(b.classList), stroke: cs.stroke, width: num(cs.strokeWidth),
                fill: cs.fill, opacity: num(cs.strokeOpacity === '' ? '1' : cs.strokeOpacity)};
      });
      return {client: g.getAttribute('data-client'), bars: bars};
    }),
  };
});
"""

JS_ROWS = JS_VISIBLE + """
const rows = Array.from(document.querySelectorAll('table#cases tr.case'));
const out = document.getElementById('filter-count');
return {
  rows: rows.map(r => [r.id, r.getAttribute('data-verdict'), r.getAttribute('data-level'),
                       r.getAttribute('data-req'), vis(r), r.offsetParent !== null]),
  groups: Array.from(document.querySelectorAll('section.req-group')).map(g => [g.id, g.getAttribute('data-req'), vis(g)]),
  articles: Array.from(document.querySelectorAll('article[data-verdict]')).map(a => [a.id, a.getAttribute('data-req'), vis(a)]),
  count: out ? out.textContent : null,
  filters: vis(document.getElementById('filters')),
  filtersHidden: document.getElementById('filters') ? document.getElementById('filters').hasAttribute('hidden') : null,
};
"""

JS_PRINT = JS_VISIBLE + """
const d = Array.from(document.querySelectorAll('details'));
const inner = d.map(x => Array.from(x.children).filter(c => c.tagName.toLowerCase() !== 'summary')[0]).filter(Boolean);
return {
  filters: vis(document.getElementById('filters')),
  filtersDisplay: document.getElementById('filters') ? getComputedStyle(document.getElementById('filters')).display : null,
  details: d.length, open: d.filter(x => x.open).length,
  contentVisible: inner.filter(vis).length, content: inner.length,
  printRules: Array.from(document.styleSheets).some(s => { try { return Array.from(s.cssRules).some(r =>
      r.media && Array.from(r.media).includes('print')); } catch (e) { return false; } }),
};
"""

JS_A11Y = """
return {
  lang: document.documentElement.getAttribute('lang') || document.documentElement.getAttribute('xml:lang'),
  title: document.title,
  headings: Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => [+h.tagName[1], h.textContent.trim().slice(0, 60)]),
  tables: Array.from(document.querySelectorAll('table')).map(t => [t.id || t.className || '(table)', t.querySelectorAll('th').length,
                                                                   t.querySelectorAll('thead th').length]),
  svgs: Array.from(document.querySelectorAll('svg')).map(s => [s.getAttribute('role'), !!s.querySelector('title') || !!s.getAttribute('aria-label')]),
  inputs: Array.from(document.querySelectorAll('input, select')).map(i => [i.name || i.id, !!(i.labels && i.labels.length) || !!i.getAttribute('aria-label')]),
};
"""

# Colours as the canvas resolves them (any CSS colour syntax -> sRGB 0..255,
# alpha 0..255); backgrounds composited from the nearest opaque ancestor up.
JS_CONTRAST = """
const cv = document.createElement('canvas'); cv.width = cv.height = 1;
const cx = cv.getContext('2d', {willReadFrequently: true});
function rgba(c) { cx.clearRect(0, 0, 1, 1); cx.fillStyle = '#000'; cx.fillStyle = c; cx.fillRect(0, 0, 1, 1);
                   return Array.from(cx.getImageData(0, 0, 1, 1).data); }
function backgrounds(el) {
  const out = [];
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.backgroundImage && cs.backgroundImage !== 'none') out.push({image: cs.backgroundImage.slice(0, 80)});
    const c = rgba(cs.backgroundColor);
    if (c[3] > 0) out.push({color: c});
    if (c[3] === 255) break;
  }
  return out;
}
const sel = '#suite-verdict, .verdict, .badge, table.counts th, table.counts td, table#cases tr.case > td:nth-child(5)';
const seen = new Set(), out = [];
for (const el of document.querySelectorAll(sel)) {
  if (!el.textContent.trim()) continue;
  const t = el.querySelector('a') || el;      // a count that is a link: the link's colour
  const cs = getComputedStyle(t);
  const key = [el.tagName, el.className, el.closest('tr') ? el.closest('tr').className : '', cs.color,
               cs.backgroundColor, el.textContent.trim().slice(0, 20)].join('|');
  if (seen.has(key)) continue;
  seen.add(key);
  out.push({what: (el.id ? '#' + el.id : el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')) +
                  (el.closest('tr') && el.closest('tr').className ? ' in tr.' + el.closest('tr').className : ''),
            text: el.textContent.trim().slice(0, 20), color: rgba(cs.color), bg: backgrounds(t),
            size: parseFloat(cs.fontSize), weight: cs.fontWeight});
}
return out;
"""

JS_URLS = """
const names = ['src', 'href', 'action', 'formaction', 'poster', 'data', 'srcset', 'background', 'cite', 'longdesc', 'manifest', 'ping'];
const bad = [];
const remote = v => /(^|[\\s,(])\\s*(https?:)?\\/\\//i.test(v || '');
for (const el of document.getElementsByTagName('*')) {
  for (const a of Array.from(el.attributes)) {
    const n = a.localName.toLowerCase();
    if ((names.includes(n) || (n === 'style' && /url\\(/i.test(a.value))) && remote(a.value))
      bad.push(el.tagName.toLowerCase() + '[' + a.name + '=' + a.value.slice(0, 80) + ']');
  }
}
for (const s of document.querySelectorAll('style')) {
  const m = s.textContent.match(/(@import[^;]*|url\\([^)]*\\))/gi) || [];
  for (const u of m) if (/https?:|\\/\\//i.test(u)) bad.push('style: ' + u.slice(0, 80));
}
return {bad: bad, resources: performance.getEntriesByType('resource').map(e => e.name),
        scripts: Array.from(document.scripts).filter(s => s.src).map(s => s.src),
        links: Array.from(document.querySelectorAll('link[href]')).map(l => l.rel + ' ' + l.href)};
"""

JS_ANCHORS = """
const bad = [];
for (const a of document.querySelectorAll('a[href^="#"]')) {
  const id = decodeURIComponent(a.getAttribute('href').slice(1));
  if (id && !document.getElementById(id)) bad.push(a.getAttribute('href'));
}
return {count: document.querySelectorAll('a[href^="#"]').length, bad: bad,
        countsLinks: Array.from(document.querySelectorAll('table.counts a[href]')).map(a => a.getAttribute('href')),
        detailRows: Array.from(document.querySelectorAll('table#cases tr[data-verdict]')).filter(
            r => document.getElementById('f-' + r.id.replace(/^case-/, ''))).map(r => [r.id, !!r.querySelector('a[href^="#f-"]')])};
"""


# ---------------------------------------------------------------- helpers

def wcag_luminance(rgb):
    """WCAG 2.x relative luminance of an sRGB colour (0..255 channels)."""
    def lin(c):
        c = c / 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def wcag_contrast(a, b):
    la, lb = wcag_luminance(a), wcag_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def over(top, bottom):
    """Source-over of an RGBA colour (alpha 0..255) on an opaque RGB one."""
    a = top[3] / 255.0
    return [round(top[i] * a + bottom[i] * (1 - a)) for i in range(3)]


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def clients_in_cases(case_dir):
    """case id -> the `clients:` of its parallel steps, read from the case files
    with a regular expression (standard library only: no YAML parser)."""
    out = {}
    for root, _, files in os.walk(case_dir):
        for name in files:
            if not name.endswith((".yaml", ".yml")):
                continue
            try:
                text = open(os.path.join(root, name), errors="replace").read()
            except OSError:
                continue
            for block in re.split(r"(?m)^\s*-\s+id:\s*", text)[1:]:
                cid = block.split()[0].strip("'\"")
                out[cid] = [int(n) for n in re.findall(r"(?m)^\s*clients:\s*(\d+)", block)]
    return out


def status_class(status):
    if status is None:
        return "o-none"
    if 200 <= status < 300:
        return "o-2xx"
    if status == 412:
        return "o-412"
    return "o-other"


def round_clients(result, rnd):
    """client -> its exchange, of the round `rnd` of a JSON result (client >= 0)."""
    out = {}
    for x in result.get("exchanges") or []:
        if x.get("client", -1) >= 0 and str(x.get("round")) == str(rnd):
            out[x["client"]] = x
    return out


# ---------------------------------------------------------------- the checks

class Fail(Exception):
    """A check that does not hold: its message and diagnostic lines."""

    def __init__(self, msg, diag=()):
        Exception.__init__(self, msg)
        self.diag = list(diag)


def need(cond, msg, diag=()):
    if not cond:
        raise Fail(msg, diag)


class Ctx:
    def __init__(self, args):
        self.args = args
        self.workdir = tempfile.mkdtemp(prefix="ifm-browser.")
        self.driver = None
        self._on = None
        self._off = None
        self.broken = None           # why the browser is unusable, once it is
        self.json = json.load(open(args.json))
        self.race_json = json.load(open(args.race_json))
        self.loaded = None
        self.shots = []

    def on(self, page=None):
        """The JavaScript-on session, showing `page` (reloaded when asked)."""
        if self.broken:
            raise Fail("no browser: " + self.broken)
        if self._on is None:
            try:
                if self.driver is None:
                    self.driver = Driver(self.workdir)
                    self.driver.start()
                self._on = self.driver.session()
            except (OSError, WebDriverError) as e:
                self.broken = str(e)
                raise Fail("no browser: " + self.broken,
                           ["chromedriver log: " + (self.driver.tail_log() if self.driver else "")])
        if page is not None:
            self._on.cdp("Emulation.setEmulatedMedia", {"media": ""})
            self._on.get(file_url(page))
            self.loaded = page
        return self._on

    def off(self):
        """A second session with the page's JavaScript turned off."""
        if self._off is None:
            self.on()
            self._off = self.driver.session(
                ["--blink-settings=scriptEnabled=false"],
                {"profile.managed_default_content_settings.javascript": 2})
        return self._off

    def result(self, data, cid):
        for r in data["results"]:
            if r["case_id"] == cid:
                return r
        return None

    def close(self):
        if self.driver:
            self.driver.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def check_browser(c):
    s = c.on()
    ver = s.caps.get("browserVersion", "?")
    return ["%s %s, chromedriver %s" % (s.caps.get("browserName"), ver,
                                        (s.caps.get("chrome") or {}).get("chromedriverVersion", "?").split()[0])]


def _order(c, page):
    s = c.on(page)
    o = s.js(JS_ORDER)
    kids, secs = o["children"], o["sections"]
    d = ["body: " + " ".join(kids[:8]), "sections: " + " ".join(secs)]
    need(kids and kids[0] == "header#verdict", "the page does not open with header#verdict", d)
    need("nav#toc" in kids, "no nav#toc among the body's children", d)
    need("section#failures" in kids and secs and secs[0] == "failures", "the first section is not #failures", d)
    want = ["failures", "warnings", "skips", "all"]
    need([x for x in secs if x in want] == want, "sections not in the order " + " ".join(want), d)
    i_nav, i_fail = kids.index("nav#toc"), kids.index("section#failures")
    need(i_nav < i_fail and all(k.startswith(("form", "script")) for k in kids[i_nav + 1:i_fail]),
         "something but the filters stands between nav#toc and #failures", d)
    return d


def check_order_race(c):
    return _order(c, c.args.race_html)


def check_failures_race(c):
    s = c.on(c.args.race_html)
    figs = s.js(JS_RACE)
    grp = s.js("""const g = document.querySelector('#failures section.req-group[data-req="IM-RACE-ONE-WINNER"]');
                  return g ? {id: g.id, h3: (g.querySelector('h3') || {}).textContent || null,
                              rule: !!g.querySelector('blockquote.rule'), fix: !!g.querySelector('p.fix'),
                              articles: Array.from(g.querySelectorAll('article.case-detail')).map(a => a.id)} : null;""")
    need(grp, "#failures has no section.req-group[data-req=IM-RACE-ONE-WINNER]")
    d = ["group %s: %s; articles %s" % (grp["id"], grp["h3"], " ".join(grp["articles"]))]
    need(grp["id"] == "fail-IM-RACE-ONE-WINNER" and grp["h3"], "the group is not #fail-IM-RACE-ONE-WINNER with an h3", d)
    need(grp["rule"] and grp["fix"], "the group lacks its blockquote.rule or p.fix", d)
    failing = [f for f in figs if f["kind"] == "failing" and f["section"] == "failures"
               and f["group"] == "IM-RACE-ONE-WINNER"]
    d.append("race figures: " + ", ".join("%s r%s %s in #%s" % (f["case"], f["round"], f["kind"], f["section"]) for f in figs))
    need(failing, "no figure.race[data-kind=failing] in the IM-RACE-ONE-WINNER group", d)
    need(all(f["svg"] and f["visible"] for f in failing), "a failing race figure has no visible svg", d)
    return d


def check_lanes(c):
    s = c.on(c.args.race_html)
    figs = s.js(JS_RACE)
    need(figs, "no figure.race in the report")
    from_files = clients_in_cases(c.args.cases)
    bad, d = [], []
    for f in figs:
        r = c.result(c.race_json, f["case"])
        if r is None:
            bad.append("%s: no such case in the JSON report" % f["case"])
            continue
        xs = round_clients(r, f["round"])
        lanes = [l["client"] for l in f["lanes"]]
        d.append("%s round %s (%s): %d lanes, %d clients in the JSON, case file %s" % (
            f["case"], f["round"], f["kind"], len(lanes), len(xs), from_files.get(f["case"])))
        if not xs:
            bad.append("%s: the JSON has no exchange of round %s (rounds there: %s)" % (
                f["case"], f["round"], sorted({x.get("round") for x in r.get("exchanges") or [] if x.get("client", -1) >= 0})))
            continue
        if len(lanes) != len(xs):
            bad.append("%s round %s: %d g.lane, %d clients" % (f["case"], f["round"], len(lanes), len(xs)))
        if sorted(lanes, key=str) != sorted((str(k) for k in xs), key=str):
            bad.append("%s round %s: lanes for clients %s, the JSON has %s" % (f["case"], f["round"], lanes, sorted(xs)))
        for l in f["lanes"]:
            x = xs.get(int(l["client"])) if str(l["client"]).lstrip("-").isdigit() else None
            if x is None:
                continue
            want = status_class((x.get("response") or {}).get("status") if not x.get("error") else None)
            got = [k for b in l["bars"] for k in b["cls"] if k.startswith("o-")]
            if len(l["bars"]) != 1 or got != [want]:
                bad.append("%s round %s client %s: bars %s, status %s wants %s" % (
                    f["case"], f["round"], l["client"], [b["cls"] for b in l["bars"]],
                    (x.get("response") or {}).get("status"), want))
    need(not bad, "%d race figure(s) disagree with the JSON report" % len(bad), bad[:12] + d)
    return d


def check_winners(c):
    s = c.on(c.args.race_html)
    figs = [f for f in s.js(JS_RACE) if f["case"] == "IM-RACE-ONE-WINNER-2" and f["kind"] == "failing"]
    need(len(figs) == 1, "%d failing figures of IM-RACE-ONE-WINNER-2 (expected 1)" % len(figs))
    f = figs[0]
    xs = round_clients(c.result(c.race_json, "IM-RACE-ONE-WINNER-2"), f["round"])
    winners = [(l["client"], b) for l in f["lanes"] for b in l["bars"] if "winner" in b["cls"]]
    d = ["round %s; bars: %s" % (f["round"], [(l["client"], b["cls"], b["stroke"], b["width"]) for l in f["lanes"] for b in l["bars"]]),
         "caption: " + f["caption"].strip()]
    need(len(winners) == 2, "%d bars are .winner, expected 2 (the race flaw lets both writers win)" % len(winners), d)
    won = sorted(str(k) for k, x in xs.items() if 200 <= ((x.get("response") or {}).get("status") or 0) < 300)
    need(sorted(w[0] for w in winners) == won, "the winners are not the clients the JSON says got a 2xx (%s)" % won, d)
    for client, b in winners:
        need(b["stroke"] not in ("none", "", "transparent", "rgba(0, 0, 0, 0)") and b["width"] > 0 and b["opacity"] > 0,
             "winner of client %s is not outlined (stroke %s, width %s)" % (client, b["stroke"], b["width"]), d)
    # every figure: an outline that tells winners from the others
    for g in s.js(JS_RACE):
        bars = [b for l in g["lanes"] for b in l["bars"]]
        ws = {(b["stroke"], b["width"]) for b in bars if "winner" in b["cls"]}
        os_ = {(b["stroke"], b["width"]) for b in bars if "winner" not in b["cls"]}
        need(not (ws & os_), "%s round %s: winners are drawn like the other bars %s" % (g["case"], g["round"], ws & os_), d)
    return d


def check_rounds(c):
    s = c.on(c.args.race_html)
    bad, d = [], []
    figs = s.js(JS_RACE)
    need(figs, "no figure.race in the report")
    for f in figs:
        nums = re.findall(r"\bround (\d+)", f["caption"], re.I)
        d.append("%s %s data-round=%s caption %r" % (f["case"], f["kind"], f["round"], f["caption"].strip()[:70]))
        if nums[:1] != [str(f["round"])]:
            bad.append("%s: data-round %s, the caption says %s" % (f["case"], f["round"], nums[:1]))
        if f["kind"] == "failing":
            r = c.result(c.race_json, f["case"])
            m = re.search(r"first, round (\d+)", (r or {}).get("message") or "")
            if m and m.group(1) != str(f["round"]):
                bad.append("%s: the message names round %s, the failing figure is round %s" % (
                    f["case"], m.group(1), f["round"]))
    need(not bad, "round numbers disagree", bad + d)
    return d


def check_order_full(c):
    d = _order(c, c.args.html)
    rows = c.on().js(JS_ROWS)["rows"]
    ids = sorted(r[0] for r in rows)
    want = sorted("case-" + r["case_id"] for r in c.json["results"])
    need(ids == want, "table#cases has %d rows, the JSON %d results" % (len(ids), len(want)),
         ["missing: %s" % sorted(set(want) - set(ids))[:5], "extra: %s" % sorted(set(ids) - set(want))[:5]])
    return d + ["%d rows" % len(rows)]


def _shown(count_text):
    n = [int(x) for x in re.findall(r"\d+", count_text or "")]
    return n[:2]


def check_filters_visible(c):
    st = c.on(c.args.html).js(JS_ROWS)
    need(st["filters"] and not st["filtersHidden"], "form#filters is not visible with JavaScript on",
         ["hidden attribute: %s" % st["filtersHidden"]])
    need(st["count"] is not None, "no #filter-count")
    need(all(r[4] for r in st["rows"]), "not every row is shown before any filter is touched")
    return ["#filter-count: %s" % st["count"]]


def check_verdict_filter(c):
    s = c.on(c.args.html)
    before = s.js(JS_ROWS)
    boxes = s.find('#filters input[type="checkbox"][name="verdict"]')
    need(boxes, "no verdict checkboxes")
    values = [s.js("return arguments[0].value", {ELEMENT: b}) for b in boxes]
    need(set(values) >= {"PASS", "FAIL"}, "verdict checkboxes: %s" % values)
    for b, v in zip(boxes, values):
        if v != "FAIL" and s.js("return arguments[0].checked", {ELEMENT: b}):
            s.click(b)
    st = s.js(JS_ROWS)
    d = ["#filter-count: %r -> %r" % (before["count"], st["count"])]
    shown_pass = [r[0] for r in st["rows"] if r[1] == "PASS" and (r[4] or r[5])]
    hidden_fail = [r[0] for r in st["rows"] if r[1] == "FAIL" and not r[4]]
    shown_other = [r[0] for r in st["rows"] if r[1] != "FAIL" and r[4]]
    need(any(r[1] == "PASS" for r in st["rows"]), "the report has no PASS row to hide", d)
    need(not shown_pass, "%d PASS rows still shown" % len(shown_pass), d + shown_pass[:5])
    need(not shown_other, "%d rows other than FAIL still shown" % len(shown_other), d + shown_other[:5])
    need(not hidden_fail, "%d FAIL rows hidden" % len(hidden_fail), d + hidden_fail[:5])
    need(st["count"] != before["count"], "#filter-count did not change", d)
    visible = sum(1 for r in st["rows"] if r[4])
    need(_shown(st["count"]) == [visible, len(st["rows"])],
         "#filter-count does not say %d of %d" % (visible, len(st["rows"])), d)
    arts = [a for a in st["articles"] if a[2]]
    need(all(c.result(c.json, a[0][2:]) is None or c.result(c.json, a[0][2:])["verdict"] == "FAIL" for a in arts),
         "an article not FAIL is still shown", d + [a[0] for a in arts][:5])
    return d


def check_req_filter(c):
    s = c.on(c.args.html)        # a fresh page: every verdict checked again
    before = s.js(JS_ROWS)
    req = "IM-RACE-ONE-WINNER"
    i = s.js("return Array.from(document.querySelectorAll('#f-req option')).findIndex(o => o.value === arguments[0])", req)
    need(i is not None and i >= 0, "#f-req has no option %s" % req,
         [s.js("return Array.from(document.querySelectorAll('#f-req option')).map(o => o.value).join(' ')")])
    s.click(s.find("#f-req")[0])
    s.click(s.find("#f-req option")[i])
    st = s.js(JS_ROWS)
    d = ["#filter-count: %r -> %r" % (before["count"], st["count"])]
    need(s.js("return document.getElementById('f-req').value") == req, "selecting the option did not take", d)
    wrong = [r[0] for r in st["rows"] if (r[3] == req) != r[4]]
    need(not wrong, "%d rows shown or hidden against the requirement" % len(wrong), d + wrong[:5])
    need(any(r[4] for r in st["rows"]), "no row left", d)
    gw = [g[0] for g in st["groups"] if g[1] != req and g[2]]
    need(not gw, "other requirement groups still shown: %s" % gw[:5], d)
    need(st["count"] != before["count"], "#filter-count did not change", d)
    return d


def check_js_off(c):
    s = c.off()
    s.get(file_url(c.args.html))
    ran = s.js("return document.getElementById('filters') ? document.getElementById('filters').hasAttribute('hidden') : null")
    st = s.js(JS_ROWS)
    d = ["filters hidden attribute: %s; %d rows" % (ran, len(st["rows"]))]
    need(ran is True, "the inline script ran, or #filters is missing: JavaScript is not off?", d)
    need(not st["filters"], "#filters is visible with JavaScript off", d)
    hid = [r[0] for r in st["rows"] if not r[4]]
    need(st["rows"] and not hid, "%d case rows hidden with JavaScript off" % len(hid), d + hid[:5])
    need(len(st["rows"]) == len(c.json["results"]), "rows %d, results %d" % (len(st["rows"]), len(c.json["results"])), d)
    need(all(a[2] for a in st["articles"]), "a failure/warning article is hidden with JavaScript off", d)
    return d


def check_print(c):
    s = c.on(c.args.html)
    s.cdp("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        p = s.js(JS_PRINT)
        d = ["print: %s" % p]
        need(s.js("return matchMedia('print').matches"), "print media is not emulated", d)
        need(p["printRules"], "no @media print rules in the page", d)
        need(not p["filters"], "#filters shows in print (display %s)" % p["filtersDisplay"], d)
        need(p["details"] > 0, "no <details> to check", d)
        how = "by the print stylesheet"
        if p["contentVisible"] < p["content"]:
            s.js("window.dispatchEvent(new Event('beforeprint'))")
            p = s.js(JS_PRINT)
            how = "after the beforeprint event"
            d.append("after beforeprint: %s" % p)
        need(p["contentVisible"] == p["content"],
             "%d of %d <details> contents are hidden in print" % (p["content"] - p["contentVisible"], p["content"]), d)
        pdf = s.cdp("Page.printToPDF", {"printBackground": True})
        need(pdf.get("data"), "Page.printToPDF gave nothing", d)
        return ["details content visible %s; PDF %d KB" % (how, len(base64.b64decode(pdf["data"])) // 1024)]
    finally:
        s.cdp("Emulation.setEmulatedMedia", {"media": ""})


def check_a11y(c):
    a = c.on(c.args.html).js(JS_A11Y)
    d = ["lang %r; headings %s" % (a["lang"], "".join("h%d" % h[0] for h in a["headings"])[:200])]
    need(a["lang"], "html has no lang", d)
    need(a["title"].strip(), "no <title>", d)
    h1 = [h for h in a["headings"] if h[0] == 1]
    need(len(h1) == 1, "%d h1 elements" % len(h1), d)
    prev, skips = 0, []
    for lvl, text in a["headings"]:
        if lvl > prev + 1:
            skips.append("h%d %r after h%d" % (lvl, text, prev))
        prev = lvl
    need(not skips, "%d headings skip a level" % len(skips), d + skips[:5])
    not_th = [t[0] for t in a["tables"] if t[1] == 0]
    need(not not_th, "tables without th: %s" % not_th, d)
    cases = [t for t in a["tables"] if t[0] == "cases"]
    need(cases and cases[0][2] >= 6, "table#cases has no thead with its 6 column headers", d + [str(a["tables"])])
    unlabelled = [i[0] for i in a["inputs"] if not i[1]]
    need(not unlabelled, "form controls without a label: %s" % unlabelled[:5], d)
    svg = [x for x in a["svgs"] if not x[1]]
    need(not svg, "%d svg without title or aria-label" % len(svg), d)
    return d


def check_contrast(c):
    items = c.on(c.args.html).js(JS_CONTRAST)
    need(items, "no verdict badge found")
    bad, d, gradients = [], [], []
    for it in items:
        layers = it["bg"]
        if any("image" in l for l in layers):
            gradients.append("%s %r: background image, not measured" % (it["what"], it["text"]))
        base = [255, 255, 255]      # the canvas under everything
        for l in reversed([l for l in layers if "color" in l]):
            base = over(l["color"], base)
        fg = over(it["color"], base)
        ratio = wcag_contrast(fg, base)
        line = "%s %r: %s on %s = %.2f:1" % (it["what"], it["text"], fg, base, ratio)
        d.append(line)
        if ratio < 4.5:
            bad.append(line)
    need(not bad, "%d verdict badges below 4.5:1" % len(bad), bad + gradients)
    return ["%d badges, lowest %.2f:1" % (len(items), min(float(l.rsplit("= ", 1)[1][:-2]) for l in d))] + gradients


def check_no_urls(c):
    u = c.on(c.args.html).js(JS_URLS)
    need(not u["bad"], "%d http(s) references in src/href/CSS" % len(u["bad"]), u["bad"][:10])
    need(not u["scripts"] and not u["links"], "external scripts or links", u["scripts"] + u["links"])
    return []


def check_no_requests(c):
    s = c.on()
    s.log("performance")            # reading the log empties it: what follows is this load's
    s = c.on(c.args.html)
    u = s.js(JS_URLS)
    need(not u["resources"], "performance lists %d resources" % len(u["resources"]), u["resources"][:10])
    reqs = []
    for e in s.log("performance"):
        try:
            m = json.loads(e["message"])["message"]
        except (ValueError, KeyError, TypeError):
            continue
        if m.get("method") == "Network.requestWillBeSent":
            reqs.append(m["params"]["request"]["url"])
    away = [r for r in reqs if not r.startswith(("file:", "data:", "about:", "blob:"))]
    need(not away, "the page asked the network for %d URLs" % len(away), away[:10])
    return ["requests seen by DevTools: %d, all file:/data:" % len(reqs)]


def check_console(c):
    s = c.on()
    logs = [e for e in s.log("browser") if e.get("level") == "SEVERE"]
    need(not logs, "%d console errors" % len(logs), [e.get("message", "")[:200] for e in logs[:5]])
    return []


def check_anchors(c):
    a = c.on(c.args.html).js(JS_ANCHORS)
    need(not a["bad"], "%d in-page links lead nowhere" % len(a["bad"]), a["bad"][:10])
    need("#failures" in a["countsLinks"], "the counts do not link to #failures", a["countsLinks"])
    nolink = [r[0] for r in a["detailRows"] if not r[1]]
    need(not nolink, "rows whose case has an article but no link to it", nolink[:5])
    return ["%d in-page links" % a["count"]]


def capture(s, selector, scale=1.0, max_height=12000):
    """PNG of an element's whole box, also beyond the viewport (DevTools)."""
    r = s.js("""const e = document.querySelector(arguments[0]); if (!e) return null;
                const b = e.getBoundingClientRect();
                return [b.left + scrollX, b.top + scrollY, b.width, b.height];""", selector)
    if r is None:
        return None
    x, y, w, h = r
    shot = s.cdp("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": x, "y": y, "width": w, "height": min(h, max_height), "scale": scale}})
    return base64.b64decode(shot["data"])


def check_screenshots(c):
    s = c.on(c.args.html)
    os.makedirs(c.args.shots, exist_ok=True)
    made = {}
    made["report-top.png"] = s.screenshot()
    made["failures.png"] = capture(s, "#failures")
    s = c.on(c.args.race_html)
    figs = s.find('figure.race[data-kind="failing"]')
    if figs:
        made["race-failing.png"] = s.element_screenshot(figs[0])
    d, bad = [], []
    for name, png in made.items():
        size = png_size(png or b"")
        if not size or min(size) < 10:
            bad.append("%s: not a PNG image" % name)
            continue
        with open(os.path.join(c.args.shots, name), "wb") as f:
            f.write(png)
        d.append("%s %dx%d %d KB" % (name, size[0], size[1], len(png) // 1024))
    need(not bad and len(made) == 3, "screenshots missing", bad + d)
    return d + ["in " + c.args.shots]


CHECKS = [
    ("chromedriver starts headless Chromium", check_browser),
    ("race report: #failures is the first section after the header and nav", check_order_race),
    ("race report: #failures holds the IM-RACE-ONE-WINNER group with a failing race figure", check_failures_race),
    ("race report: every race figure has one g.lane per client of its round, outcomes as in the JSON", check_lanes),
    ("race report: the failing IM-RACE-ONE-WINNER-2 round shows its two winners outlined", check_winners),
    ("race report: round numbers agree between figure, caption and message", check_rounds),
    ("full report: #failures first; table#cases has a row per case of the JSON", check_order_full),
    ("full report: the filters show with JavaScript on", check_filters_visible),
    ("full report: FAIL alone hides every PASS row; #filter-count follows", check_verdict_filter),
    ("full report: one requirement in #f-req hides the others", check_req_filter),
    ("full report: JavaScript off: no filters, every case shown", check_js_off),
    ("full report: print media hides the filters and shows the details", check_print),
    ("full report: lang, one h1, heading order, table headers, labels", check_a11y),
    ("full report: verdict badges have a contrast of at least 4.5:1", check_contrast),
    ("full report: no http(s) URL in src, href or CSS", check_no_urls),
    ("full report: loading it requests nothing from the network", check_no_requests),
    ("full report: no console error after the filters were used", check_console),
    ("full report: every in-page link has its target", check_anchors),
    ("screenshots saved (PNG)", check_screenshots),
]


def run(args):
    c = Ctx(args)
    n = args.tap_start
    failed = 0
    late = None
    try:
        for name, fn in CHECKS:
            n += 1
            diag = []
            try:
                if late:
                    raise Fail(late)
                diag = fn(c) or []
                print("ok %d - %s" % (n, name))
            except Deadline as e:
                late = str(e)
                failed += 1
                print("not ok %d - %s" % (n, name))
                diag = [late]
            except Fail as e:
                failed += 1
                print("not ok %d - %s" % (n, name))
                diag = [str(e)] + e.diag
            except (OSError, WebDriverError, KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
                failed += 1
                print("not ok %d - %s" % (n, name))
                diag = ["%s: %s" % (type(e).__name__, e)]
            for line in diag:
                for part in str(line).splitlines() or [""]:
                    print("# " + part[:400])
            sys.stdout.flush()
    finally:
        signal.alarm(0)
        c.close()
    return 1 if failed else 0


def shots(args):
    """The README screenshots: the top of the report (verdict, counts, first
    failures), a failing race timeline close up, and the matrix page."""
    work = tempfile.mkdtemp(prefix="ifm-shots.")
    d = Driver(work)
    made = []
    try:
        d.start()
        s = d.session()
        os.makedirs(args.out, exist_ok=True)
        s.cdp("Emulation.setDeviceMetricsOverride",
              {"width": 1100, "height": 760, "deviceScaleFactor": 1, "mobile": False})

        def save(name, png):
            if not png or not png_size(png):
                raise WebDriverError("%s: no image" % name)
            if len(png) > args.max_kb * 1024:
                raise WebDriverError("%s: %d KB, over %d KB" % (name, len(png) // 1024, args.max_kb))
            with open(os.path.join(args.out, name), "wb") as f:
                f.write(png)
            made.append("%s %dx%d %d KB" % ((name,) + png_size(png) + (len(png) // 1024,)))

        s.get(file_url(args.html))
        save("report-top.png", base64.b64decode(s.cdp("Page.captureScreenshot", {"format": "png"})["data"]))
        sel = 'figure.race[data-kind="failing"][data-case="%s"]' % args.race_case
        if not s.js("return !!document.querySelector(arguments[0])", sel):
            sel = 'figure.race[data-kind="failing"]'
        s.js("const f = document.querySelector(arguments[0]); const d = f && f.closest('details'); if (d) d.open = true;", sel)
        save("race-timeline.png", capture(s, sel, scale=1.0, max_height=900))
        if args.matrix:
            s.get(file_url(args.matrix))
            save("matrix.png", base64.b64decode(s.cdp("Page.captureScreenshot", {"format": "png"})["data"]))
    finally:
        signal.alarm(0)
        d.stop()
        shutil.rmtree(work, ignore_errors=True)
    for m in made:
        print(m)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    sub.add_parser("count")
    r = sub.add_parser("run")
    r.add_argument("--html", required=True)
    r.add_argument("--json", required=True)
    r.add_argument("--race-html", required=True)
    r.add_argument("--race-json", required=True)
    r.add_argument("--cases", required=True)
    r.add_argument("--shots", required=True)
    r.add_argument("--tap-start", type=int, default=0)
    r.add_argument("--deadline", type=int, default=150)
    sh = sub.add_parser("shots")
    sh.add_argument("--html", required=True)
    sh.add_argument("--out", required=True)
    sh.add_argument("--matrix")
    sh.add_argument("--race-case", default="IM-RACE-ONE-WINNER-8")
    sh.add_argument("--max-kb", type=int, default=300)
    sh.add_argument("--deadline", type=int, default=90)
    args = ap.parse_args()
    if args.mode == "count":
        print(len(CHECKS))
        return 0
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    signal.signal(signal.SIGALRM, _on_deadline)
    signal.alarm(args.deadline)
    if args.mode == "run":
        return run(args)
    try:
        return shots(args)
    except (OSError, WebDriverError, Deadline) as e:
        print("html_browser.py shots: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
