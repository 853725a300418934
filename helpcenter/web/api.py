"""The JSON API under /api: search and find-as-you-type, for our own scripts
and for other front ends. Thin views over helpcenter.search.service.

GET /api/search?q=&page=&category=
    {"query", "total", "page", "pages",
     "results": [{"number", "title", "url", "excerpt", "score", "categories", "updated"}]}
    `categories` are the entry's category slugs, primary first; `updated` is
    Japan time as "2021/12/16 08:16", as the pages show it. 400 for a missing
    query or a malformed page, 404 for a page past the last or an unknown
    category; errors are {"error", "message"}.
GET /api/suggest?q=
    {"query", "suggestions": [{"number", "title", "url"}]}: up to 8 questions
    whose title or aliases contain (or nearly contain) what was typed.
GET /api/openapi.json
    The OpenAPI 3.1 description of these and POST /api/chat
    (helpcenter/openapi.json, checked against the API by tests/test_openapi.py).
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, request

from ..pagination import PageOutOfRange, parse_page
from ..search import service
from ..search.query import clean
from .extensions import generation
from .views_common import format_dt

bp = Blueprint("api", __name__, url_prefix="/api")

OPENAPI = Path(__file__).resolve().parent.parent / "openapi.json"


@bp.route("/search")
def api_search():
    gen = generation()
    query = clean(request.args.get("q"))
    if not query:
        abort(400, description="parameter q (the search words) is required")
    try:
        page = parse_page(request.args.get("page"))
    except PageOutOfRange:
        abort(400, description="page must be a whole number from 1")
    category = (request.args.get("category") or "").strip().strip("/") or None
    if category and category not in gen.categories:
        abort(404, description=f"no such category: {category}")
    try:
        result = service.search(gen, query, page=page, per_page=current_app.config["HELPCENTER_PAGE_SIZE"],
                                category=category)
    except PageOutOfRange:
        abort(404, description="page is past the last page")
    response = jsonify({
        "query": result.query, "total": result.total, "page": result.page, "pages": result.pages,
        "results": [{"number": h.number, "title": h.title, "url": h.url, "excerpt": h.excerpt,
                     "score": h.score, "categories": list(h.categories), "updated": format_dt(h.updated)}
                    for h in result.hits],
    })
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/suggest")
def api_suggest():
    gen = generation()
    query = clean(request.args.get("q"))
    response = jsonify({"query": query, "suggestions": service.suggest(gen, query) if query else []})
    # Same answer for the same index: let the browser reuse it briefly.
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


@bp.route("/openapi.json")
def openapi():
    response = Response(OPENAPI.read_bytes(), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
