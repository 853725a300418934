"""Chat rate limits that hold: keyed on the client address (after PROXY_HOPS),
which the client cannot choose, with the visitor cookie as a second bound, and
counted in the database so that every worker and machine shares them."""
from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select
from support import app_config

from helpcenter import create_app, db, ratelimits
from helpcenter.publishing import prepare


def chat(client, message="こんにちは", **kw):
    return client.post("/api/chat", json={"message": message}, **kw)


def test_fresh_cookies_and_user_agents_do_not_escape_the_limit(app):
    app.config["HELPCENTER_CHAT_RATE_LIMIT"] = "5/60"
    codes = []
    for n in range(30):  # every message from a new browser: no cookie, a new User-Agent
        client = app.test_client()
        client.set_cookie("hc_v", os.urandom(16).hex())
        codes.append(chat(client, headers={"User-Agent": f"Mozilla/5.0 agent-{n}"}).status_code)
    assert codes.count(200) == 5 and codes.count(429) == 25


def test_the_visitor_limit_is_a_second_bound(app):
    app.config.update(HELPCENTER_CHAT_RATE_LIMIT="100/60", HELPCENTER_CHAT_VISITOR_RATE_LIMIT="3/60")
    member = app.test_client()
    member.set_cookie("hc_v", "ab" * 16)
    assert [chat(member).status_code for _ in range(4)] == [200, 200, 200, 429]
    neighbour = app.test_client()  # same address (an office behind one router), another visitor
    neighbour.set_cookie("hc_v", "cd" * 16)
    assert chat(neighbour).status_code == 200


def test_the_page_form_shares_the_limit(app):
    app.config["HELPCENTER_CHAT_RATE_LIMIT"] = "2/60"
    client = app.test_client()
    assert [chat(client).status_code for _ in range(2)] == [200, 200]
    html = client.get("/chat").get_data(as_text=True)
    import re

    fields = dict(re.findall(r'name="(csrf_token|state|log)" value="([^"]*)"', html))
    r = client.post("/chat", data={**fields, "message": "こんにちは"})
    assert r.status_code == 429 and "秒ほど待ってから" in r.get_data(as_text=True)


@pytest.mark.parametrize("hops, separate", [(0, False), (1, True)])
def test_behind_a_trusted_proxy_the_limit_sees_the_members_address(make_app, small_content, hops, separate):
    app = make_app(small_content, PROXY_HOPS=hops, CHAT_RATE_LIMIT="2/60")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        assert chat(app.test_client(), environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    r = chat(app.test_client(), environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.2"})
    assert r.status_code == (200 if separate else 429)


def test_workers_sharing_the_database_share_the_limit(tmp_path, built_index, db_url):
    apps = []
    for n in range(2):
        inst = tmp_path / f"worker{n}"
        inst.mkdir()
        os.symlink(built_index, inst / "index")
        a = create_app(app_config(inst, DATABASE_URL=db_url, CHAT_RATE_LIMIT="4/60"))
        prepare(a.config)
        apps.append(a)
    try:
        codes = [chat(apps[n % 2].test_client()).status_code for n in range(8)]
        assert codes == [200] * 4 + [429] * 4
    finally:
        for a in apps:
            a.extensions["helpcenter.index"].close()
            a.extensions["helpcenter.db"].dispose()


def test_counters_store_a_salted_hash_never_the_address(app):
    chat(app.test_client(), environ_base={"REMOTE_ADDR": "198.51.100.23"})
    with app.extensions["helpcenter.db"].connect() as conn:
        buckets = conn.execute(select(db.rate_counter.c.bucket)).scalars().all()
    assert len(buckets) == 2 and not any("198.51" in b for b in buckets)


# --- the counter itself -------------------------------------------------------------

def test_concurrent_hits_are_all_counted(db_engine):
    limit = ratelimits.Limit(50, 60)
    results: list[float] = []
    now = 1_000_000.0

    def worker():
        for _ in range(10):
            results.append(ratelimits.hit(db_engine, "k", limit, now))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(0.0) == 50 and len(results) == 80


def test_the_window_slides(db_engine):
    limit = ratelimits.Limit(4, 60)
    t0 = 6000.0  # the start of a window
    assert [ratelimits.hit(db_engine, "k", limit, t0 + 50) for _ in range(4)] == [0.0] * 4
    assert ratelimits.hit(db_engine, "k", limit, t0 + 55) > 0  # fifth in the window
    # just after the boundary the previous window still counts almost fully: no double burst
    assert ratelimits.hit(db_engine, "k", limit, t0 + 61) > 0
    # a whole window later the old hits have slid out
    assert ratelimits.hit(db_engine, "k", limit, t0 + 170) == 0.0
    assert ratelimits.hit(db_engine, "other", limit, t0 + 55) == 0.0


def test_ended_windows_are_deleted(db_engine):
    limit = ratelimits.Limit(4, 60)
    ratelimits.hit(db_engine, "a", limit, 6000.0)
    ratelimits.hit(db_engine, "b", limit, 6000.0 + 600)
    with db_engine.connect() as conn:
        assert conn.execute(select(db.rate_counter.c.bucket)).scalars().all() == ["b:60"]


@pytest.mark.parametrize("spec", ["20", "x/60", "0/60", "5/0", "", "-1/5"])
def test_bad_limits_are_refused(spec):
    with pytest.raises(ValueError):
        ratelimits.Limit.parse(spec)
    assert ratelimits.Limit.parse("20/60") == ratelimits.Limit(20, 60)
