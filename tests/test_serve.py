"""`helpcenter serve` on a fresh instance dir: builds the index and the
database on first run, serves with gunicorn workers, and picks up a new index
published while it runs."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from support import CONTENT


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode()


def test_serve_builds_everything_on_first_run_and_picks_up_a_new_index(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    port = _port()
    env = dict(os.environ, HELPCENTER_INSTANCE_DIR=str(tmp_path / "instance"),
               HELPCENTER_CONTENT_DIR=str(content), HELPCENTER_DATABASE_URL="",
               HELPCENTER_SECRET_KEY="serve-test", HELPCENTER_PAGE_CACHE_SECONDS="0")
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "helpcenter.cli", "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                home = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        assert "みらいネット ヘルプセンター" in home
        assert (tmp_path / "instance" / "helpcenter.sqlite3").exists()
        assert (tmp_path / "instance" / "index" / "CURRENT").is_symlink()
        page = (content / "faq" / "3807.md").read_text(encoding="utf-8")
        (content / "faq" / "3807.md").write_text(page.replace("title:", "title: 【更新】", 1), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "helpcenter.cli", "index"], env=env, check=True, capture_output=True)
        deadline = time.monotonic() + 10
        while "【更新】" not in _get(f"http://127.0.0.1:{port}/faq/3807"):
            assert time.monotonic() < deadline, "the running server did not pick up the new index"
            time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()
