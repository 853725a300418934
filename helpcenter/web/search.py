"""The search results page `/search?q=&page=&category=`: a thin view over
helpcenter.search.service. Results look like the category pages (same macros);
an empty query shows tips, and a query that finds nothing offers 「もしかして」,
popular entries, the wizards and the contact channels."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from ..analytics import events
from ..pagination import PageOutOfRange, Pagination, parse_page
from ..search import service
from ..search.query import clean
from .browse import popular_faqs
from . import visitors
from .extensions import engine, generation
from .views_common import not_found

bp = Blueprint("search", __name__)


def category_arg(gen) -> str | None:
    """The `category` filter, or 404 for a slug this help center does not have."""
    slug = (request.args.get("category") or "").strip().strip("/")
    if slug and slug not in gen.categories:
        raise not_found("お探しのカテゴリーは見つかりませんでした。カテゴリーを選び直してください。")
    return slug or None


@bp.route("/search")
def search_page():
    gen = generation()
    category = category_arg(gen)
    query = clean(request.args.get("q"))
    try:
        page = parse_page(request.args.get("page"))
    except PageOutOfRange:
        raise not_found("このページはありません。1ページ目からご覧ください。") from None
    if not query:
        if page > 1:
            raise not_found("このページはありません。")
        return render_template("search.html", query="", result=None, category=category,
                               wizards=list(gen.wizards.values()))
    try:
        result = service.search(gen, query, page=page, per_page=current_app.config["HELPCENTER_PAGE_SIZE"],
                                category=category)
    except PageOutOfRange:
        raise not_found("このページはありません。1ページ目からご覧ください。") from None
    pager = Pagination(result.total, result.page, result.per_page)
    if not visitors.is_bot(request.user_agent.string):
        # what members look for and do not find (the editors' content gaps)
        events.record_search(engine(), visitor=visitors.visitor_id(), query=query,
                             normalized=result.normalized, results=result.total, category=category,
                             page=result.page)
    popular = popular_faqs(gen, 5) if result.total == 0 else []
    return render_template("search.html", query=query, result=result, pager=pager, category=category,
                           matched_wizards=result.wizards, popular=popular,
                           wizards=list(gen.wizards.values()) if result.total == 0 else [])
