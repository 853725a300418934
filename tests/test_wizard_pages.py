"""The wizard pages through the test client: every path of every shipped tree
walked to its outcome with every link checked, the FAQ-page offers, tampered
and stale URLs, and the analytics events a walk records."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from textwrap import dedent
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from helpcenter.content.loader import load_content
from helpcenter.db import wizard_event
from helpcenter.publishing import publish
from helpcenter.wizard import encode, outcome_paths

# The shipped content. tests/conftest.py has it too, but `from conftest import`
# can resolve to tests/browser/conftest.py when the whole suite runs.
CONTENT = Path(__file__).resolve().parent.parent / "content"


class Page(HTMLParser):
    """The links, ids and class-tagged text of one HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (href, class, text)
        self.ids: set[str] = set()
        self._open: list[list] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self._open.append([a["href"], a.get("class") or "", ""])

    def handle_data(self, data):
        for link in self._open:
            link[2] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, cls, text = self._open.pop()
            self.links.append((href, cls, text.strip()))

    def hrefs(self, cls: str) -> list[str]:
        return [h for h, c, _ in self.links if cls in c.split()]


@pytest.fixture(scope="module")
def content():
    loaded, problems = load_content(CONTENT)
    assert problems == []
    return loaded


def url(wid: str, path: tuple[int, ...]) -> str:
    return f"/wizard/{wid}" + (f"/{encode(path)}" if path else "")


def all_steps(content) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Every page of every tree: each prefix of each path to an outcome."""
    steps = {}
    for wid, w in content.wizards.items():
        for path, _ in outcome_paths(w):
            for cut in range(len(path) + 1):
                steps[url(wid, path[:cut])] = (wid, path[:cut])
    return steps


def test_every_path_of_every_tree_reaches_its_outcome_with_working_links(client, content):
    flow_urls = {f.url for f in content.site.flows.values()}
    phones = {"tel:" + c.phone.replace("-", "") for c in content.site.contacts if c.phone}
    internal: set[str] = set()
    steps = all_steps(content)
    assert len(steps) > 100
    for page_url, (wid, path) in steps.items():
        w = content.wizards[wid]
        node = w.nodes[w.start]
        for i in path:
            node = w.nodes[node.options[i].next]
        r = client.get(page_url)
        assert r.status_code == 200, page_url
        html = r.get_data(as_text=True)
        page = Page(html)
        # the answers so far: one 「変更」 per answer, each re-asking that question
        assert page.hrefs("wizard-change") == [url(wid, path[:k]) for k in range(len(path))], page_url
        nav = [(h, t) for h, c, t in page.links if "button" in c.split() and h.startswith("/wizard/")]
        if path:
            assert (url(wid, path[:-1]), "戻る") in nav and (url(wid, ()), "最初からやり直す") in nav
        if node.outcome is None:
            assert page.hrefs("wizard-option") == [url(wid, path + (i,)) for i in range(len(node.options))]
            assert all(o.label in html for o in node.options)
        else:
            o = node.outcome
            assert o.heading in html
            assert [h for h in page.hrefs("wizard-flow")] == [content.site.flows[f].url for f in o.flows]
            faq_links = [h for h, c, _ in page.links if h.startswith("/faq/") and c == ""]
            assert faq_links[:len(o.faqs)] == [f"/faq/{n}" for n in o.faqs], page_url
            assert ('class="panel wizard-contact"' in html) == o.contact
            assert "wizard-contact" in page.ids  # the contact channels are always at hand
            assert 'name="target" value="%s:%s"' % (wid, node.id) in html  # the feedback block rates this outcome
        for href, _, _ in page.links:
            parts = urlsplit(href)
            if href.startswith("#"):
                assert href[1:] in page.ids, (page_url, href)
            elif parts.scheme == "tel":
                assert href in phones
            elif parts.scheme:
                assert href in flow_urls, (page_url, href)  # the only external links: site.yaml flows
            else:
                internal.add(href)
    for href in sorted(internal - set(steps)):
        assert client.get(href).status_code == 200, href


def test_outcome_lists_its_faqs_with_their_excerpts(client):
    html = client.get("/wizard/changing-phones/1-3-1").get_data(as_text=True)  # before, app, old phone kept
    assert "以前のスマートフォンからアカウントをエクスポートしてください" in html
    for number in (3818, 3820, 3816):
        assert f'<a href="/faq/{number}">' in html
    faq = client.get("/faq/3818").get_data(as_text=True)
    title = re.search(r'<h1 id="faq-h"[^>]*>.*?</span><span>(.*?)</span></h1>', faq, re.S).group(1)
    assert title in html
    assert html.count('class="excerpt"') == 3


def test_wizard_list_offers_every_wizard(client, content):
    page = Page(client.get("/wizard/").get_data(as_text=True))
    assert [h for h, _, _ in page.links if h.startswith("/wizard/") and h != "/wizard/"] == \
        [f"/wizard/{wid}" for wid in content.wizards]


def test_the_list_and_start_pages_work_without_a_trailing_slash_mistake(client):
    assert client.get("/wizard").status_code == 308
    r = client.get("/wizard/changing-phones/")
    assert r.status_code == 308 and r.headers["Location"].endswith("/wizard/changing-phones")


# --- FAQ pages offer the wizards that cover them ------------------------------------

def offered(client, number: int) -> list[str]:
    html = client.get(f"/faq/{number}").get_data(as_text=True)
    section = re.search(r'<section class="panel faq-wizards".*?</section>', html, re.S)
    return re.findall(r'href="/wizard/([^"/]+)"', section.group(0)) if section else []


@pytest.mark.parametrize("number, first", [(3822, "code-rejected"), (3813, "code-rejected"),
                                           (3820, "changing-phones"), (3818, "changing-phones")])
def test_faq_page_offers_the_wizard_citing_it_most_first(client, number, first):
    assert offered(client, number)[0] == first


def test_faq_page_offers_every_wizard_citing_it_and_no_other(client, content):
    cited = {n for w in content.wizards.values() for node in w.nodes.values() if node.outcome
             for n in node.outcome.faqs}
    uncited = min(set(content.faqs) - cited)
    assert offered(client, uncited) == []
    assert set(offered(client, 3815)) == {wid for wid, w in content.wizards.items()
                                          if any(n.outcome and 3815 in n.outcome.faqs for n in w.nodes.values())}


# --- tampered and stale URLs --------------------------------------------------------

@pytest.mark.parametrize("tail", [
    "3",                      # option out of range (the first question has two)
    "0",                      # option numbers start at 1
    "2-3-1-1-1-1",            # answers past an outcome
    "01", "1-", "-1", "1--2", "1.2", "abc", "map2",
    "99999999999999999999",   # a huge number
    "1-" * 2000 + "1",        # a huge path
    "%EF%BC%91",              # full-width １
    "%E3%81%82",              # あ
    "1/2", "1/",
    "%00", "%0A",
])
def test_tampered_answers_are_a_404_offering_to_restart(client, tail):
    r = client.get(f"/wizard/changing-phones/{tail}")
    assert r.status_code == 404
    assert 'href="/wizard/changing-phones">「機種変更のときの2段階認証」を最初からはじめる' in r.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/wizard/no-such-wizard", "/wizard/no-such-wizard/1-2",
                                  "/wizard/%E6%A9%9F%E7%A8%AE", "/wizard/..%2F", "/wizard/no-such/map"])
def test_an_unknown_wizard_is_a_404_offering_the_list(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert 'href="/wizard/"' in r.get_data(as_text=True)


STALE_V1 = """\
title: テスト
start: q1
nodes:
  q1:
    question: どちらですか？
    options:
      - label: はい
        next: q2
      - label: いいえ
        next: call
  q2:
    question: もうひとつ
    options:
      - label: A
        next: done
      - label: B
        next: call
  done:
    outcome: {heading: 解決, body: 本文, faqs: [1]}
  call:
    outcome: {heading: お電話ください, body: 本文, contact: true}
"""

STALE_V2 = """\
title: テスト
start: q1
nodes:
  q1:
    question: どちらですか？
    options:
      - label: はい
        next: done
      - label: いいえ
        next: call
  done:
    outcome: {heading: 解決, body: 本文, faqs: [1]}
  call:
    outcome: {heading: お電話ください, body: 本文, contact: true}
"""


def test_a_url_from_before_an_edit_is_a_404_offering_to_restart(small_content, make_app):
    (small_content / "wizards").mkdir()
    target = small_content / "wizards" / "t.yaml"
    target.write_text(dedent(STALE_V1), encoding="utf-8")
    app = make_app(small_content)
    client = app.test_client()
    assert "お電話ください" in client.get("/wizard/t/1-2").get_data(as_text=True)
    # The editor drops the second question; the old link now runs past an outcome.
    target.write_text(dedent(STALE_V2), encoding="utf-8")
    publish(str(small_content), app.config["HELPCENTER_INSTANCE_DIR"])
    r = client.get("/wizard/t/1-2")
    assert r.status_code == 404
    assert '<a class="button" href="/wizard/t">「テスト」を最初からはじめる</a>' in r.get_data(as_text=True)
    assert client.get("/wizard/t/1").status_code == 200


# --- analytics --------------------------------------------------------------------

def events_of(app) -> list[tuple[str, str, str]]:
    with app.extensions["helpcenter.db"].connect() as conn:
        rows = conn.execute(select(wizard_event.c.event, wizard_event.c.node, wizard_event.c.path)
                            .order_by(wizard_event.c.id)).all()
    return [tuple(r) for r in rows]


def test_a_walk_records_start_each_answer_and_the_outcome(app, client):
    for path in ("", "/1", "/1-1", "/1-1-1"):
        assert client.get("/wizard/changing-phones" + path).status_code == 200
    assert events_of(app) == [
        ("start", "timing", ""),
        ("step", "timing", "1"),
        ("step", "before-method", "1-1"),
        ("step", "before-sms-number", "1-1-1"),
        ("outcome", "sms-keep", "1-1-1"),
    ]


def test_bots_and_refused_urls_record_nothing(app, client):
    client.get("/wizard/changing-phones/1", headers={"User-Agent": "Googlebot/2.1"})
    client.get("/wizard/changing-phones/9")
    assert events_of(app) == []


def test_outcome_asks_whether_it_solved_the_problem_with_a_rating_form(client):
    html = client.get("/wizard/changing-phones/1-3-1").get_data(as_text=True)
    assert "解決しましたか？" in html and "この回答は役に立ちましたか？" not in html
    assert 'name="target_type" value="wizard"' in html
    assert re.search(r'name="target" value="changing-phones:[\w-]+"', html)
