"""Discovery: /sitemap.xml, /robots.txt, /feed.atom, /opensearch.xml and
/favicon.ico, plus the template helpers every page uses for absolute URLs
(canonical, Open Graph) and FAQ pages for their JSON-LD.

`published_entries` is the one place that lists what is published; the
documents come from the index through the same accessors as the browsing
pages (browse.py).
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, request, send_from_directory
from markupsafe import Markup

from .. import discovery
from ..search.documents import FaqDoc
from .extensions import generation

bp = Blueprint("discovery", __name__)

MAX_AGE = 3600  # crawlers and feed readers: an hour is fresh enough


def published_entries(gen) -> list[discovery.Entry]:
    """Every published FAQ entry, most recently updated first."""
    total, _ = gen.newest(None, 0, 1)
    _, docs = gen.newest(None, 0, total)
    return [entry_from_doc(d) for d in docs]


def entry_from_doc(doc: FaqDoc) -> discovery.Entry:
    """A published entry as the discovery core wants it."""
    return discovery.Entry(
        number=doc.number, title=doc.title, summary=doc.excerpt, answer=doc.plain, categories=doc.categories,
        published=datetime.fromtimestamp(doc.published, timezone.utc),
        updated=datetime.fromtimestamp(doc.updated, timezone.utc))


def base_url() -> str:
    """HELPCENTER_BASE_URL, or the scheme and host this request came to."""
    configured = current_app.config.get("HELPCENTER_BASE_URL") or ""
    # werkzeug empties a Host header that is not a host name (junk stays out of our URLs)
    return discovery.normalise_base_url(configured) if configured else f"{request.scheme}://{request.host}"


def _public(body: bytes | str, mimetype: str) -> Response:
    """A response any cache may keep for MAX_AGE."""
    response = Response(body, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


@bp.route("/sitemap.xml")
def sitemap():
    gen = generation()
    return _public(discovery.sitemap(base_url(), gen.categories, published_entries(gen)), "application/xml")


@bp.route("/robots.txt")
def robots():
    return _public(discovery.robots_txt(base_url()), "text/plain")


@bp.route("/feed.atom")
def feed():
    gen = generation()
    body = discovery.atom_feed(base_url(), gen.site, gen.categories, published_entries(gen))
    return _public(body, "application/atom+xml")


@bp.route("/opensearch.xml")
def opensearch():
    return _public(discovery.opensearch(base_url(), generation().site), "application/opensearchdescription+xml")


@bp.route("/favicon.ico")
def favicon():
    # Browsers and crawlers ask for /favicon.ico whatever the page links.
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/x-icon",
                               max_age=86400)


@bp.app_template_global()
def absolute_url(path: str) -> str:
    return discovery.absolute(base_url(), path)


@bp.app_template_global()
def faq_json_ld(doc: dict, trail: list) -> Markup:
    """FAQPage and BreadcrumbList of an FAQ page; `trail` is the page's
    breadcrumbs as (name, path or None for the page itself)."""
    entry = entry_from_doc(doc)
    crumbs = [(name, path or entry.path) for name, path in trail]
    base = base_url()
    return Markup(discovery.json_ld(discovery.faq_page(base, entry), discovery.breadcrumb_list(base, crumbs)))
