"""Searches and the results members open are recorded for the editors."""
import re

from sqlalchemy import select

from helpcenter.db import search_click, search_event

UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}


def rows(app, table):
    with app.extensions["helpcenter.db"].connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table))]


def test_a_search_records_its_normalised_query_and_result_count(app, client):
    client.get("/search?q=ｽﾏﾎ 機種変更", headers=UA)
    client.get("/search?q=qwxzvbnmkj", headers=UA)
    found = {r["query"]: r for r in rows(app, search_event)}
    assert found["ｽﾏﾎ 機種変更"]["results"] > 0
    assert found["qwxzvbnmkj"]["results"] == 0
    assert found["ｽﾏﾎ 機種変更"]["normalized"] != ""


def test_bots_searching_are_not_recorded(app, client):
    client.get("/search?q=機種変更", headers={"User-Agent": "Googlebot/2.1"})
    assert rows(app, search_event) == []


def test_opening_a_result_records_the_click_and_its_rank(app, client):
    html = client.get("/search?q=2段階認証 変更", headers=UA).get_data(as_text=True)
    links = re.findall(r'<h3 class="faq-card-title"><a href="([^"]+)"', html)
    second = links[1].replace("&amp;", "&")
    assert "sq=" in second and "rank=2" in second
    assert client.get(second, headers=UA).status_code == 200
    clicks = rows(app, search_click)
    assert len(clicks) == 1 and clicks[0]["rank"] == 2
    assert str(clicks[0]["number"]) in second
