"""A minimal W3C WebDriver client (chromedriver), so the browser tests need no package beyond Python."""
import base64
import json
import socket
import subprocess
import time
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.status
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds}s")


class Browser:
    def __init__(self, chromedriver="/usr/bin/chromedriver", chromium="/usr/bin/chromium"):
        self.port = free_port()
        self.driver = subprocess.Popen([chromedriver, f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_for_http(self.base + "/status", 30)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"]}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read() or b"{}").get("value", {})
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"WebDriver {method} {path}: {e.read().decode()[:400]}") from None

    def _s(self, path, method="GET", body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def set_value(self, css, value):
        """Sets a field's value directly (date inputs take typed keys in the browser's locale format)."""
        self._s("/execute/sync", "POST", {"script": "document.querySelector(arguments[0]).value = arguments[1]", "args": [css, value]})

    def cookies(self):
        return self._s("/cookie")

    def replace_cookies(self, cookies):
        """Becomes another person: drops this browser's cookies and puts back theirs (httpOnly ones included)."""
        self._s("/cookie", "DELETE")
        for c in cookies:
            self._s("/cookie", "POST", {"cookie": {k: c[k] for k in ("name", "value", "path", "domain", "secure", "httpOnly", "sameSite", "expiry") if k in c}})

    def go(self, url):
        self._s("/url", "POST", {"url": url})

    def refresh(self):
        self._s("/refresh", "POST", {})

    @property
    def url(self):
        return self._s("/url")

    @property
    def title(self):
        return self._s("/title")

    def find(self, css):
        return Element(self, self._s("/element", "POST", {"using": "css selector", "value": css})[ELEMENT])

    def find_all(self, css):
        return [Element(self, e[ELEMENT]) for e in self._s("/elements", "POST", {"using": "css selector", "value": css})]

    @property
    def source(self):
        return self._s("/source")

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self._s("/screenshot")))

    def quit(self):
        try:
            self._s("", "DELETE")
        finally:
            self.driver.terminate()
            self.driver.wait(10)


class Element:
    def __init__(self, browser, id):
        self.browser, self.id = browser, id

    def click(self):
        self.browser._s(f"/element/{self.id}/click", "POST", {})

    @property
    def text(self):
        return self.browser._s(f"/element/{self.id}/text")

    def submit(self):
        """Clicks a button that sends a form, and waits until the answer has replaced the page."""
        html = {"using": "css selector", "value": "html"}
        old = self.browser._s("/element", "POST", html)[ELEMENT]
        self.click()
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                new = self.browser._s("/element", "POST", html)[ELEMENT]
                ready = self.browser._s("/execute/sync", "POST", {"script": "return document.readyState", "args": []})
                if new != old and ready == "complete":
                    return
            except RuntimeError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the form's answer did not load within 30 s")

    def clear(self):
        self.browser._s(f"/element/{self.id}/clear", "POST", {})

    def type(self, text):
        self.browser._s(f"/element/{self.id}/value", "POST", {"text": text})

    def property(self, name):
        return self.browser._s(f"/element/{self.id}/property/{name}")

    def attribute(self, name):
        return self.browser._s(f"/element/{self.id}/attribute/{name}")
