"""What search engines, feed readers and browsers read about the help center:
the sitemap, robots.txt, the Atom feed, the OpenSearch description and the
schema.org JSON-LD of FAQ pages, built from plain data (no Flask).

Every URL written here is absolute, made from a base URL (scheme and host,
no trailing slash) that the web layer chooses: HELPCENTER_BASE_URL, or the
request's own host when that is unset.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Sequence
from urllib.parse import quote, urlsplit

from .content.model import Category, Site

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
FEED_SIZE = 20  # entries in the Atom feed, most recently updated first

# Where crawlers have nothing to find: forms, the API, the chatbot, the editors'
# dashboard and search results (endless, and already marked noindex).
DISALLOWED = ("/admin/", "/api/", "/chat", "/search", "/feedback", "/text-size", "/contact/")


@dataclass(frozen=True)
class Entry:
    """A published FAQ entry, as the feed, the sitemap and JSON-LD need it."""
    number: int
    title: str
    summary: str  # a short plain-text excerpt
    answer: str  # the whole answer as plain text
    categories: tuple[str, ...]  # the entry's own category slugs, primary first
    published: datetime
    updated: datetime

    @property
    def path(self) -> str:
        return f"/faq/{self.number}"


def normalise_base_url(value: str) -> str:
    """'https://help.example.jp/' → 'https://help.example.jp'; '' stays ''.
    Raises ValueError for anything but an http(s) URL of a host (and path)."""
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"not an http(s) base URL such as https://help.example.jp: {value!r}")
    return value.rstrip("/")


def absolute(base: str, path: str) -> str:
    return base + quote(path, safe="/?=&%:")


def category_path(slug: str) -> str:
    return "/category/" + slug


def _w3c(moment: datetime) -> str:
    """RFC 3339 / W3C datetime in UTC, as sitemaps and Atom want it."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def category_lastmod(categories: dict[str, Category], entries: Iterable[Entry]) -> dict[str, datetime]:
    """Each category's newest `updated`, counting its subcategories' entries."""
    newest: dict[str, datetime] = {}
    for e in entries:
        for slug in e.categories:
            cat = categories.get(slug)
            for s in (cat.ancestors + (slug,)) if cat else ():
                if s not in newest or e.updated > newest[s]:
                    newest[s] = e.updated
    return newest


def sitemap(base: str, categories: dict[str, Category], entries: Sequence[Entry]) -> bytes:
    """The top page, every category page and every FAQ, with lastmod."""
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")

    def add(path: str, lastmod: datetime | None) -> None:
        url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = absolute(base, path)
        if lastmod is not None:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = _w3c(lastmod)

    lastmods = category_lastmod(categories, entries)
    add("/", max((e.updated for e in entries), default=None))
    for slug in categories:
        add(category_path(slug), lastmods.get(slug))
    for e in entries:
        add(e.path, e.updated)
    return _xml(root)


def robots_txt(base: str) -> str:
    lines = ["User-agent: *"] + [f"Disallow: {p}" for p in DISALLOWED] + ["", f"Sitemap: {base}/sitemap.xml", ""]
    return "\n".join(lines)


def atom_feed(base: str, site: Site, categories: dict[str, Category], entries: Sequence[Entry]) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of the most recently updated entries."""
    ET.register_namespace("", ATOM_NS)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    newest = sorted(entries, key=lambda e: (e.updated, e.number), reverse=True)[:FEED_SIZE]
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "ja"})
    el(feed, "id", absolute(base, "/feed.atom"))
    el(feed, "title", f"{site.name} 更新されたよくあるご質問")
    el(feed, "subtitle", f"{site.name}で追加・更新されたよくあるご質問")
    el(feed, "updated", _w3c(newest[0].updated if newest else datetime(2000, 1, 1, tzinfo=timezone.utc)))
    el(el(feed, "author"), "name", site.name)
    el(feed, "link", rel="self", type="application/atom+xml", href=absolute(base, "/feed.atom"))
    el(feed, "link", rel="alternate", type="text/html", href=absolute(base, "/"))
    for e in newest:
        entry = el(feed, "entry")
        el(entry, "id", absolute(base, e.path))
        el(entry, "title", e.title)
        el(entry, "link", rel="alternate", type="text/html", href=absolute(base, e.path))
        el(entry, "published", _w3c(e.published))
        el(entry, "updated", _w3c(e.updated))
        for slug in e.categories:
            cat = categories.get(slug)
            if cat is not None:
                el(entry, "category", term=slug, label=cat.title)
        el(entry, "summary", e.summary)
    return _xml(feed)


def opensearch(base: str, site: Site) -> bytes:
    """The OpenSearch 1.1 description: browsers offer to search the help
    center from the address bar."""
    ET.register_namespace("", OPENSEARCH_NS)
    root = ET.Element(f"{{{OPENSEARCH_NS}}}OpenSearchDescription")

    def el(tag: str, text: str | None = None, **attrs: str) -> None:
        node = ET.SubElement(root, f"{{{OPENSEARCH_NS}}}{tag}", attrs)
        if text is not None:
            node.text = text

    # ShortName: at most 16 characters (OpenSearch 1.1).
    el("ShortName", (site.service or site.name)[:16])
    el("Description", f"{site.name}のよくあるご質問を検索します")
    el("InputEncoding", "UTF-8")
    el("Language", "ja")
    el("Url", type="text/html", method="get", template=absolute(base, "/search") + "?q={searchTerms}")
    el("Url", type="application/opensearchdescription+xml", rel="self", template=absolute(base, "/opensearch.xml"))
    el("Image", absolute(base, "/static/favicon.svg"), type="image/svg+xml", width="64", height="64")
    return _xml(root)


def breadcrumb_list(base: str, trail: Sequence[tuple[str, str]]) -> dict:
    """schema.org BreadcrumbList from (name, path) pairs, top page first."""
    return {"@type": "BreadcrumbList",
            "itemListElement": [{"@type": "ListItem", "position": i, "name": name, "item": absolute(base, path)}
                                for i, (name, path) in enumerate(trail, 1)]}


def faq_page(base: str, entry: Entry) -> dict:
    """schema.org FAQPage with the one question of an FAQ page and its answer."""
    return {"@type": "FAQPage", "@id": absolute(base, entry.path), "url": absolute(base, entry.path),
            "inLanguage": "ja", "datePublished": _w3c(entry.published), "dateModified": _w3c(entry.updated),
            "mainEntity": [{"@type": "Question", "name": entry.title,
                            "acceptedAnswer": {"@type": "Answer", "text": entry.answer}}]}


def json_ld(*things: dict) -> str:
    """JSON-LD for a <script type="application/ld+json"> element: `<`, `>` and
    `&` escaped so that no text (an answer mentioning </script>) can end the
    element early."""
    data = {"@context": "https://schema.org", "@graph": list(things)}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
