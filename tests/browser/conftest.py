"""Browser fixtures: a real gunicorn server and Debian's chromium via Playwright.

`live_server` runs `helpcenter serve` on the real content with its own
instance dir (index and SQLite built on start). `page` is a fresh browser
context per test. `axe_violations(page)` injects axe-core from node_modules and
returns the WCAG 2.2 A/AA violations.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("HELPCENTER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    inst = tmp_path_factory.mktemp("live-instance")
    port = _free_port()
    env = dict(os.environ, HELPCENTER_INSTANCE_DIR=str(inst), HELPCENTER_CONTENT_DIR=str(ROOT / "content"),
               HELPCENTER_DATABASE_URL="", HELPCENTER_SECRET_KEY="browser-tests",
               HELPCENTER_ADMIN_PASSWORD="browser-admin-pw")
    log = open(inst / "server.log", "w")
    # the production server: `helpcenter serve` (gunicorn, 2 workers × 4 threads)
    proc = subprocess.Popen([sys.executable, "-m", "helpcenter.cli", "serve", "--port", str(port),
                             "--workers", "2"], env=env, stdout=log, stderr=log, cwd=str(ROOT))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            break
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("server did not start:\n" + (inst / "server.log").read_text())
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run .ci/install (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    p = context.new_page()
    p.set_default_timeout(10000)
    return p


def axe_violations(page) -> list[dict]:
    """WCAG 2.2 A/AA violations on the current page (empty when it passes)."""
    # as a function through the DevTools protocol: the pages' CSP refuses an injected <script>
    page.evaluate("() => {\n" + AXE.read_text(encoding="utf-8") + "\n}")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]




@pytest.fixture
def axe():
    """The axe_violations helper, as a fixture."""
    return axe_violations
