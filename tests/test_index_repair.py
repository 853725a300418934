"""A damaged live index repairs itself: each generation has a manifest (every
file, size and SHA-256) written at publish; a generation that fails it (a
segment deleted, the table of contents emptied, snapshot.json deleted) is
rebuilt from the content beside it, by `serve`/`prepare` on a restart and in
the background by a running worker, which answers a Japanese 503 page with
Retry-After meanwhile, never a traceback."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from helpcenter import manifest
from helpcenter.publishing import prepare, publish
from helpcenter.search import indexer

UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}
PAGES = ["/", "/faq/1", "/category/two-factor", "/search?q=SMS", "/api/search?q=SMS"]


def _one(gen: Path, pattern: str) -> Path:
    (found,) = gen.glob(pattern)
    return found


FAULTS = {
    "segment deleted": lambda gen: _one(gen, "*.seg").unlink(),
    "toc emptied": lambda gen: _one(gen, "*.toc").write_bytes(b""),
    "snapshot deleted": lambda gen: (gen / "snapshot.json").unlink(),
    "segment changed": lambda gen: _one(gen, "*.seg").write_bytes(_one(gen, "*.seg").read_bytes()[::-1]),
    "manifest deleted": lambda gen: (gen / manifest.NAME).unlink(),
}


def test_publish_writes_a_manifest_of_every_file(tmp_path, small_content):
    gen = publish(str(small_content), str(tmp_path / "inst")).path
    listed = manifest.write(gen)["files"]  # the same as at publish
    on_disk = {p.relative_to(gen).as_posix() for p in gen.rglob("*") if p.is_file() and p.name != manifest.NAME}
    assert set(listed) == on_disk and "snapshot.json" in listed and "FINGERPRINT" in listed
    assert manifest.verify(gen) == []


def test_any_file_added_by_the_engine_is_covered(tmp_path):
    gen = tmp_path / "gen"
    (gen / "arrays").mkdir(parents=True)
    (gen / "arrays" / "impacts.npy").write_bytes(b"\x93NUMPY" + bytes(100))
    manifest.write(gen)
    (gen / "arrays" / "impacts.npy").write_bytes(b"\x93NUMPY" + bytes(99) + b"\x01")
    assert manifest.verify(gen) == ["arrays/impacts.npy: contents changed"]


@pytest.mark.parametrize("fault", FAULTS)
def test_a_restart_rebuilds_a_damaged_generation(make_app, small_content, fault):
    app = make_app(small_content)
    damaged = indexer.current_generation(app.config["HELPCENTER_INSTANCE_DIR"])
    FAULTS[fault](damaged)
    assert manifest.verify(damaged) != []
    result = prepare(app.config)  # what `helpcenter serve` and helpcenter.wsgi do first
    assert result.rebuilt and result.path != damaged and manifest.verify(result.path) == []
    client = app.test_client()
    for path in PAGES:
        assert client.get(path, headers=UA).status_code == 200, path


def _wait_until_served(client, path="/faq/1", seconds=60.0) -> list[int]:
    codes, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = client.get(path, headers=UA)
        codes.append(r.status_code)
        assert r.status_code in (200, 503), r.get_data(as_text=True)[:300]
        if r.status_code == 503:
            assert int(r.headers["Retry-After"]) > 0 and b"Traceback" not in r.data
        if r.status_code == 200:
            return codes
        time.sleep(0.2)
    raise AssertionError(f"not repaired in {seconds} s: {codes[-5:]}")


@pytest.mark.parametrize("fault", FAULTS)
def test_a_worker_opening_a_damaged_generation_answers_503_then_serves_the_rebuilt_one(
        tmp_path, small_content, fault):
    from support import app_config

    from helpcenter import create_app

    config = app_config(tmp_path / "inst", small_content)
    publish(str(small_content), config["INSTANCE_DIR"])
    damaged = indexer.current_generation(config["INSTANCE_DIR"])
    FAULTS[fault](damaged)
    app = create_app(config)  # a worker starting on the damaged index (no prepare)
    try:
        client = app.test_client()
        first = client.get("/faq/1", headers=UA)
        if first.status_code == 503:  # the rebuild usually is not done yet
            page = first.get_data(as_text=True)
            assert "ただいま準備中です" in page and int(first.headers["Retry-After"]) > 0
            api = client.get("/api/search?q=SMS")
            assert api.status_code in (200, 503) and api.is_json
        codes = _wait_until_served(client)
        assert set(codes) <= {200, 503}
        assert indexer.current_generation(config["INSTANCE_DIR"]) != damaged
        for path in PAGES:
            assert client.get(path, headers=UA).status_code == 200, path
    finally:
        app.extensions["helpcenter.index"].close()
        app.extensions["helpcenter.db"].dispose()


def test_damage_under_a_running_worker_is_noticed_and_repaired(tmp_path, small_content):
    from support import app_config

    from helpcenter import create_app

    config = app_config(tmp_path / "inst", small_content)
    publish(str(small_content), config["INSTANCE_DIR"])
    app = create_app(config)
    try:
        client = app.test_client()
        assert client.get("/faq/1", headers=UA).status_code == 200
        damaged = indexer.current_generation(config["INSTANCE_DIR"])
        FAULTS["toc emptied"](damaged)
        _one(damaged, "*.seg").unlink()
        # a new thread (a fresh searcher must open the files) meets the damage
        codes: list[int] = []
        t = threading.Thread(target=lambda: codes.append(client.get("/faq/2", headers=UA).status_code))
        t.start()
        t.join()
        assert codes == [503]
        _wait_until_served(client, "/faq/2")
        assert indexer.current_generation(config["INSTANCE_DIR"]) != damaged
    finally:
        app.extensions["helpcenter.index"].close()
        app.extensions["helpcenter.db"].dispose()
