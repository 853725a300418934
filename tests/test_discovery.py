"""What search engines, feed readers and browsers find: sitemap, robots.txt,
the Atom feed, OpenSearch, JSON-LD, canonical and Open Graph tags, the favicon."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from html.parser import HTMLParser
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import pytest

from helpcenter import discovery, settings
from helpcenter.content.loader import load_content
from support import CONTENT

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OS = "{http://a9.com/-/spec/opensearch/1.1/}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
PAGES = ["/", "/category/two-factor", "/category/two-factor?page=2", "/faq/3816", "/search?q=機種変更",
         "/search", "/wizard/", "/wizard/changing-phones", "/wizard/changing-phones/1", "/chat", "/no-such-page"]


@pytest.fixture(scope="module")
def content():
    loaded, problems = load_content(str(CONTENT))
    assert not problems
    return loaded


class Head(HTMLParser):
    """The <link>, <meta> and JSON-LD of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[dict] = []
        self.metas: list[dict] = []
        self.json_ld: list[str] = []
        self._in_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link":
            self.links.append(a)
        elif tag == "meta":
            self.metas.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data

    def link(self, rel: str) -> list[dict]:
        return [a for a in self.links if rel in (a.get("rel") or "").split()]

    def meta(self, key: str) -> list[str]:
        return [a.get("content") for a in self.metas if key in (a.get("name"), a.get("property"))]


def head(client, url: str, **kw) -> Head:
    resp = client.get(url, **kw)
    assert resp.status_code in (200, 404), url
    return Head(resp.get_data(as_text=True))


# --- sitemap ----------------------------------------------------------------------

def test_sitemap_lists_home_every_category_and_every_faq_with_lastmod_from_updated(client, content):
    resp = client.get("/sitemap.xml")
    assert resp.status_code == 200 and resp.mimetype == "application/xml"
    root = ET.fromstring(resp.data)
    assert root.tag == SM + "urlset"
    urls = {u.findtext(SM + "loc"): u.findtext(SM + "lastmod") for u in root.findall(SM + "url")}
    assert len(urls) == len(root.findall(SM + "url")), "duplicate <loc>"
    assert "http://localhost/" in urls
    for slug in content.categories:
        assert f"http://localhost/category/{slug}" in urls, slug
    for faq in content.faqs.values():
        lastmod = urls[f"http://localhost/faq/{faq.number}"]
        assert datetime.fromisoformat(lastmod.replace("Z", "+00:00")) == faq.updated.astimezone(timezone.utc)
    assert len(urls) == 1 + len(content.categories) + len(content.faqs)


def test_a_category_lastmod_is_its_newest_entry_including_subcategories(client, content):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    urls = {u.findtext(SM + "loc"): u.findtext(SM + "lastmod") for u in root.findall(SM + "url")}
    newest = max(f.updated for f in content.faqs.values()
                 if any(c == "two-factor" or c.startswith("two-factor/") for c in f.categories))
    assert urls["http://localhost/category/two-factor"] == newest.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_every_sitemap_url_is_a_page_that_exists(client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    for loc in root.iter(SM + "loc"):
        assert client.get(urlsplit(loc.text).path).status_code == 200, loc.text


# --- robots.txt -------------------------------------------------------------------

def test_robots_names_the_sitemap_and_keeps_crawlers_out_of_forms_api_chat_admin_and_results(client):
    resp = client.get("/robots.txt")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    robots = RobotFileParser()
    robots.parse(resp.get_data(as_text=True).splitlines())
    assert robots.site_maps() == ["http://localhost/sitemap.xml"]
    for path in ["/", "/category/two-factor", "/faq/3816", "/wizard/changing-phones", "/feed.atom", "/sitemap.xml"]:
        assert robots.can_fetch("Googlebot", "http://localhost" + path), path
    for path in ["/admin/", "/admin/login", "/api/search?q=a", "/api/chat", "/chat", "/search?q=機種変更",
                 "/search", "/feedback/reason"]:
        assert not robots.can_fetch("Googlebot", "http://localhost" + path), path


# --- Atom feed --------------------------------------------------------------------

def test_feed_is_valid_atom_of_the_most_recently_updated_entries(client, content):
    resp = client.get("/feed.atom")
    assert resp.status_code == 200 and resp.mimetype == "application/atom+xml"
    feed = ET.fromstring(resp.data)
    assert feed.tag == ATOM + "feed"
    # RFC 4287 4.1.1: exactly one id, title and updated; an author (here on the feed)
    for tag in ("id", "title", "updated"):
        assert len(feed.findall(ATOM + tag)) == 1, tag
    assert feed.find(ATOM + "author/" + ATOM + "name").text
    assert RFC3339.match(feed.findtext(ATOM + "updated"))
    self_links = [l for l in feed.findall(ATOM + "link") if l.get("rel") == "self"]
    assert [l.get("href") for l in self_links] == ["http://localhost/feed.atom"]
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == min(discovery.FEED_SIZE, len(content.faqs))
    ids = [e.findtext(ATOM + "id") for e in entries]
    assert len(set(ids)) == len(ids) and all(urlsplit(i).scheme == "http" for i in ids)
    newest = sorted(content.faqs.values(), key=lambda f: (f.updated, f.number), reverse=True)[:len(entries)]
    assert ids == [f"http://localhost/faq/{f.number}" for f in newest]
    for e, faq in zip(entries, newest):
        # RFC 4287 4.1.2: one id, title, updated; a summary (no content: the link is the content)
        for tag in ("id", "title", "updated"):
            assert len(e.findall(ATOM + tag)) == 1, tag
        assert e.findtext(ATOM + "title") == faq.title
        assert e.findtext(ATOM + "summary")
        assert [l.get("href") for l in e.findall(ATOM + "link") if l.get("rel") == "alternate"] == [e.findtext(ATOM + "id")]
        assert RFC3339.match(e.findtext(ATOM + "updated")) and RFC3339.match(e.findtext(ATOM + "published"))
        assert datetime.fromisoformat(e.findtext(ATOM + "updated").replace("Z", "+00:00")) == faq.updated
    assert feed.findtext(ATOM + "updated") == entries[0].findtext(ATOM + "updated")


@pytest.mark.parametrize("url", PAGES)
def test_every_page_links_the_feed_the_opensearch_description_and_the_icon(client, url):
    h = head(client, url)
    assert [(a["type"], a["href"]) for a in h.link("alternate")] == [("application/atom+xml", "/feed.atom")]
    assert [(a["type"], a["href"]) for a in h.link("search")] == [("application/opensearchdescription+xml",
                                                                    "/opensearch.xml")]
    for link in h.link("alternate") + h.link("search"):
        assert link["title"]
    assert [a["href"] for a in h.link("icon")] == ["/static/favicon.svg"]


# --- OpenSearch and the icon -------------------------------------------------------

def test_opensearch_description_searches_the_help_center(client):
    resp = client.get("/opensearch.xml")
    assert resp.status_code == 200 and resp.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(resp.data)
    assert root.tag == OS + "OpenSearchDescription"
    assert 0 < len(root.findtext(OS + "ShortName")) <= 16
    assert root.findtext(OS + "Description") and root.findtext(OS + "InputEncoding") == "UTF-8"
    template = next(u.get("template") for u in root.findall(OS + "Url") if u.get("type") == "text/html")
    assert template == "http://localhost/search?q={searchTerms}"
    page = client.get(urlsplit(template.replace("{searchTerms}", "機種変更")).path + "?q=機種変更")
    assert page.status_code == 200 and "機種変更" in page.get_data(as_text=True)


def test_favicon_is_served_where_browsers_look_for_it(client):
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.mimetype == "image/x-icon"
    assert ico.data[:4] == b"\x00\x00\x01\x00"  # ICONDIR, type 1 = icon
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    ET.fromstring(svg.data)


# --- canonical, Open Graph, description -------------------------------------------

@pytest.mark.parametrize("url, canonical", [
    ("/", "http://localhost/"), ("/category/two-factor", "http://localhost/category/two-factor"),
    ("/category/two-factor?page=1", "http://localhost/category/two-factor"),
    ("/category/two-factor?page=2", "http://localhost/category/two-factor?page=2"),
    ("/faq/3816", "http://localhost/faq/3816"), ("/wizard/", "http://localhost/wizard/"),
    ("/wizard/changing-phones", "http://localhost/wizard/changing-phones"),
])
def test_indexable_pages_have_an_absolute_canonical_url_and_open_graph(client, url, canonical):
    h = head(client, url)
    assert [a["href"] for a in h.link("canonical")] == [canonical]
    assert h.meta("og:url") == [canonical]
    assert h.meta("og:title")[0] and h.meta("og:site_name") == ["みらいネット ヘルプセンター"]
    assert h.meta("og:description") == h.meta("description")
    assert h.meta("og:type") == ["article" if url.startswith("/faq/") else "website"]


@pytest.mark.parametrize("url", ["/search?q=機種変更", "/search", "/wizard/changing-phones/1", "/chat", "/nowhere"])
def test_pages_kept_out_of_search_engines_have_no_canonical_url(client, url):
    h = head(client, url)
    assert h.link("canonical") == [] and h.meta("og:url") == []


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_one_meta_description(client, url):
    descriptions = head(client, url).meta("description")
    assert len(descriptions) == 1 and len(descriptions[0]) >= 10, descriptions


def test_descriptions_say_what_the_page_is(client):
    assert head(client, "/faq/3816").meta("description")[0].startswith("バックアップキーとは")
    assert "機種変更" in head(client, "/search?q=機種変更").meta("description")[0]
    assert "2段階認証" in head(client, "/category/two-factor").meta("description")[0]


def test_base_url_setting_makes_every_absolute_url(make_app, tmp_path):
    from support import copy_content

    app = make_app(copy_content(tmp_path / "content"), BASE_URL="https://help.example.jp")
    client = app.test_client()
    assert head(client, "/faq/3816").link("canonical")[0]["href"] == "https://help.example.jp/faq/3816"
    assert "Sitemap: https://help.example.jp/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)
    root = ET.fromstring(client.get("/sitemap.xml").data)
    assert all(loc.text.startswith("https://help.example.jp/") for loc in root.iter(SM + "loc"))
    feed = ET.fromstring(client.get("/feed.atom").data)
    assert feed.findtext(ATOM + "id") == "https://help.example.jp/feed.atom"
    assert b"https://help.example.jp/search?q={searchTerms}" in client.get("/opensearch.xml").data


def test_without_base_url_the_request_host_is_used(client):
    h = head(client, "/faq/3816", base_url="https://help.example.org")
    assert h.link("canonical")[0]["href"] == "https://help.example.org/faq/3816"


def test_a_forged_host_never_reaches_another_member_through_the_page_cache(make_app, tmp_path):
    from support import copy_content

    app = make_app(copy_content(tmp_path / "content"), PAGE_CACHE_SECONDS=60)
    client = app.test_client()
    assert "evil.example" in client.get("/faq/3816", headers={"Host": "evil.example"}).get_data(as_text=True)
    again = client.get("/faq/3816")
    assert "evil.example" not in again.get_data(as_text=True)
    assert head(client, "/faq/3816").link("canonical")[0]["href"] == "http://localhost/faq/3816"


@pytest.mark.parametrize("value, expected", [("https://help.example.jp/", "https://help.example.jp"),
                                             (" http://127.0.0.1:8000 ", "http://127.0.0.1:8000"),
                                             ("https://example.jp/help/", "https://example.jp/help"), ("", "")])
def test_base_url_is_normalised(value, expected):
    assert settings.load({"HELPCENTER_BASE_URL": value})["BASE_URL"] == expected


@pytest.mark.parametrize("value", ["help.example.jp", "ftp://help.example.jp", "https://", "https://h/?q=1",
                                   "https://h/#top", "javascript:alert(1)"])
def test_a_base_url_that_is_not_an_http_url_is_refused(value):
    with pytest.raises(ValueError, match="base URL"):
        settings.load({"HELPCENTER_BASE_URL": value})


# --- JSON-LD ---------------------------------------------------------------------

def test_faq_pages_carry_faqpage_and_breadcrumblist_json_ld(client, content):
    h = head(client, "/faq/3816")
    assert len(h.json_ld) == 1
    data = json.loads(h.json_ld[0])
    assert data["@context"] == "https://schema.org"
    things = {t["@type"]: t for t in data["@graph"]}
    faq_page = things["FAQPage"]
    assert faq_page["url"] == "http://localhost/faq/3816"
    [question] = faq_page["mainEntity"]
    assert question["@type"] == "Question" and question["name"] == content.faqs[3816].title
    assert question["acceptedAnswer"]["@type"] == "Answer"
    assert question["acceptedAnswer"]["text"].startswith("バックアップキーとは")
    crumbs = things["BreadcrumbList"]["itemListElement"]
    assert [c["position"] for c in crumbs] == list(range(1, len(crumbs) + 1))
    assert [c["item"] for c in crumbs] == ["http://localhost/", "http://localhost/category/two-factor",
                                           "http://localhost/category/two-factor/other", "http://localhost/faq/3816"]
    assert crumbs[-1]["name"] == content.faqs[3816].title


def test_json_ld_can_never_close_its_script_element():
    text = discovery.json_ld({"@type": "Answer", "text": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["@graph"][0]["text"] == "</script><script>alert(1)</script> & <!--"


def test_an_answer_mentioning_a_script_tag_stays_inside_the_json_ld(make_app, small_content):
    from support import faq_text

    (small_content / "faq" / "3.md").write_text(faq_text(3, "</script>タグとは", body="`</script>` と書きます。"),
                                                encoding="utf-8")
    html = make_app(small_content).test_client().get("/faq/3").get_data(as_text=True)
    h = Head(html)
    data = json.loads(h.json_ld[0])
    assert data["@graph"][0]["mainEntity"][0]["name"] == "</script>タグとは"
    assert html.count("</script>") == html.count("<script")


def test_other_pages_carry_no_json_ld(client):
    for url in ["/", "/category/two-factor", "/search?q=機種変更"]:
        assert head(client, url).json_ld == [], url


@pytest.mark.parametrize("url", ["/faq/3816", "/sitemap.xml", "/feed.atom", "/opensearch.xml", "/robots.txt"])
def test_a_hostile_host_header_is_escaped_everywhere_it_appears(client, url):
    resp = client.get(url, headers={"Host": 'x"><script>alert(1)</script>'})
    assert resp.status_code < 500
    body = resp.get_data(as_text=True)
    assert "<script>alert" not in body
    if url != "/robots.txt":
        assert body.startswith("<!doctype html>") or ET.fromstring(resp.data) is not None
