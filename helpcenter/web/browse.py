"""Browsing: home, category pages and FAQ pages, all read from the index."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, render_template, request
from sqlalchemy.exc import SQLAlchemyError

from .. import views_store
from ..analytics import events
from ..editorial import stored
from ..pagination import PageOutOfRange, Pagination, parse_page
from . import visitors
from .pagecache import mark_cacheable
from .extensions import engine, generation
from .views_common import not_found

bp = Blueprint("browse", __name__)
log = logging.getLogger(__name__)


def popular_faqs(gen, limit: int = 10) -> list:
    try:
        ranked = views_store.most_viewed(engine(), visitors.today(),
                                         current_app.config["HELPCENTER_POPULAR_DAYS"], limit)
    except SQLAlchemyError:  # the ranking is a panel: a database hiccup must not fail the page
        log.exception("could not read the most viewed FAQs")
        return []
    return gen.faqs(n for n, _ in ranked)


@bp.route("/")
def home():
    gen = generation()
    counts = {slug: gen.count(slug) for slug in gen.categories}
    _, recent = gen.newest(None, 0, 5)
    mark_cacheable()
    return render_template("home.html", counts=counts, popular=popular_faqs(gen), recent=recent,
                           wizards=list(gen.wizards.values()))


@bp.route("/category/<path:slug>")
def category(slug: str):
    gen = generation()
    cat = gen.categories.get(slug.strip("/"))
    if cat is None:
        raise not_found("お探しのカテゴリーは見つかりませんでした。")
    try:
        page = parse_page(request.args.get("page"))
        total = gen.count(cat.slug)
        pager = Pagination(total, page, current_app.config["HELPCENTER_PAGE_SIZE"])
    except PageOutOfRange:
        raise not_found("このページはありません。1ページ目からご覧ください。") from None
    _, entries = gen.newest(cat.slug, pager.offset, pager.per_page)
    mark_cacheable()
    return render_template("category.html", category=cat, entries=entries, pager=pager,
                           popular=popular_faqs(gen, 5))


@bp.route("/faq/<number>")
def faq(number: str):
    gen = generation()
    doc = gen.faq(int(number), hidden=True) if number.isascii() and number.isdigit() and len(number) < 10 else None
    now = gen.now()
    if doc is not None and not doc.visible(now):
        if doc.published <= now:  # expired: say so, and offer search and what is still published
            return render_template("faq_expired.html", faq=doc, related=gen.faqs(doc.related)), 410
        doc = None  # not published yet: as if it did not exist
    if doc is None:
        raise not_found("お探しのFAQは見つかりませんでした。番号をご確認いただくか、検索をお試しください。")
    if not visitors.is_bot(request.user_agent.string):
        views_store.record_view(engine(), doc.number, visitors.visitor_id(), visitors.today())
        # opened from the search results, which link as /faq/N?sq=<normalized query>&rank=<n>
        query, rank = (request.args.get("sq") or "").strip(), request.args.get("rank", "")
        if query and rank.isascii() and rank.isdigit() and 0 < int(rank) <= 10000:
            events.record_search_click(engine(), visitor=visitors.visitor_id(), normalized=query,
                                       number=doc.number, rank=int(rank))
    related = gen.faqs(doc.related)
    mark_cacheable(view_number=doc.number)
    primary = gen.categories[doc.primary_category]
    return render_template("faq.html", faq=doc, related=related, primary=primary,
                           reviewed=stored.reviewed(gen, doc.number), draft=stored.is_draft(gen, doc.number),
                           # changes only: the version it was first published with is not one
                           history=[c for c in stored.history(gen, doc.number) if not c.first][:10])
