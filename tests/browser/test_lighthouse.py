"""Lighthouse (from npm, driving Debian's chromium) scores accessibility 100
on the browsing pages."""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/category/two-factor?page=2", "/faq/3816"])
def test_lighthouse_accessibility_score_is_100(live_server, tmp_path, path):
    assert LIGHTHOUSE.exists(), "run .ci/install (npm package lighthouse)"
    out = tmp_path / "report.json"
    env = dict(os.environ, CHROME_PATH="/usr/bin/chromium")
    subprocess.run([str(LIGHTHOUSE), live_server + path, "--only-categories=accessibility", "--output=json",
                    f"--output-path={out}", "--quiet",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
                    "--disable-background-networking --disable-component-update --disable-sync --no-first-run"],
                   env=env, check=True, timeout=120, capture_output=True)
    report = json.loads(out.read_text())
    failed = [a["id"] for a in report["audits"].values()
              if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"]
    assert report["categories"]["accessibility"]["score"] == 1, failed
