"""Turning an answer's Markdown into safe HTML, plain text and excerpts.

Pure functions. `flow:NAME` links become the member-site URLs from site.yaml;
raw HTML in content is removed by nh3 (an allow-list sanitizer) so that a
content file can never inject script into a page.
"""
from __future__ import annotations

import html
import re
import threading

import markdown
import nh3

from .content.model import Flow

_FLOW = re.compile(r"\]\(\s*flow:([^)\s]*)\s*\)")
_TAGS = {"p", "a", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "h3", "h4", "h5",
         "br", "hr", "table", "thead", "tbody", "tr", "th", "td", "img"}
_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt"}, "th": {"align"}, "td": {"align"}}


_local = threading.local()


# Python-Markdown tries every inline pattern on every piece of text, and an
# answer uses one or two kinds of markup. A pattern can only match where the
# source has what it opens with, so a source converts the same without the
# patterns whose openings it lacks (a pattern not listed here is always
# kept): 0.34 → 0.20 ms an answer at publish (tests/test_render_text.py
# compares both outputs).
_INLINE_NEEDS = {
    "backtick": ("`",), "escape": ("\\",), "reference": ("[",), "link": ("[",), "image_link": ("[",),
    "image_reference": ("[",), "short_reference": ("[",), "short_image_ref": ("[",), "autolink": ("<",),
    "automail": ("<",), "html": ("<",), "linebreak": ("  \n",), "entity": ("&",), "em_strong": ("*", "_"),
}


# Instances kept per thread (160 KiB each; a collection's answers use a few
# combinations of markup, the 256 possible ones would hold 40 MiB).
_KEPT_INSTANCES = 16


def _markdown(source: str) -> markdown.Markdown:
    """A Markdown instance without the inline patterns `source` cannot
    match. Building one (its parsers and patterns) cost twice a conversion:
    each thread keeps those it made, reset and reused."""
    unused = frozenset(name for name, needs in _INLINE_NEEDS.items() if not any(n in source for n in needs))
    made = getattr(_local, "md", None)
    if made is None:
        made = _local.md = {}
    md = made.get(unused)
    if md is None:
        if len(made) >= _KEPT_INSTANCES:
            made.clear()
        md = made[unused] = new_markdown(unused)
    return md


def new_markdown(without: frozenset[str] = frozenset()) -> markdown.Markdown:
    """Our Markdown (tables, sane lists, a line break per newline), without the inline patterns named."""
    md = markdown.Markdown(extensions=["tables", "sane_lists", "nl2br"], output_format="html")
    for name in without:
        if name in md.inlinePatterns:
            md.inlinePatterns.deregister(name)
    return md


# Answers that are plain paragraphs (many collections' answers are) need no
# Markdown parser: no character that starts inline markup or must be escaped,
# no line that could open a block (heading, list, quote, table, code, rule,
# setext underline), no leading or trailing whitespace and nothing but
# printable characters. Python-Markdown renders such text as <p> per
# paragraph with <br> per line (nl2br) and nothing else; this builds that in
# a few microseconds instead of about 0.3 ms, and the sanitiser has nothing
# to do with it (tests/test_render_text.py checks both on the city's answers
# and on generated text).
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<>&|]")
_BLOCK_START = re.compile(r"[#=+\-*>|]|\d+\.")


def plain_paragraphs_html(source: str) -> str | None:
    """What Markdown makes of `source` when it is plain paragraphs, else None."""
    if _INLINE_MARKUP.search(source) or not source.replace("\n", "").isprintable():
        return None
    paragraphs: list[list[str]] = [[]]
    for line in source.split("\n"):
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        if line != line.strip() or _BLOCK_START.match(line):
            return None
        paragraphs[-1].append(line)
    return "\n".join("<p>" + "<br>\n".join(lines) + "</p>" for lines in paragraphs if lines)


def markdown_to_html(text: str, flows: dict[str, Flow] | None = None) -> str:
    flows = flows or {}

    def flow_url(m: re.Match) -> str:
        flow = flows.get(m.group(1))
        return f"]({flow.url})" if flow else "](#)"

    source = _FLOW.sub(flow_url, text)
    plain = plain_paragraphs_html(source)
    if plain is not None:
        return plain  # <p>, <br> and text without & < >: nothing to sanitise (the sanitiser returns it unchanged)
    raw = _markdown(source).reset().convert(source)
    # Answers are written line by line (①②③ steps), so newlines are kept (nl2br).
    # Headings inside an answer sit below the page's h1/h2, so shift them down.
    return sanitize(re.sub(r"<(/?)h[12]>", r"<\1h3>", raw))


def sanitize(raw: str) -> str:
    """Only the allowed tags, attributes and URL schemes of `raw` HTML."""
    return nh3.clean(raw, tags=_TAGS, attributes=_ATTRS, url_schemes={"http", "https", "mailto", "tel"},
                     link_rel="noopener")


_BLOCK_END = re.compile(r"</(p|li|h\d|tr|blockquote|pre)>|<br\s*/?>", re.I)
# Text that already ends a sentence or a label needs no added punctuation.
_ENDED = re.compile(r"[。．.！!？?：:、,」』）)】〕]$")


def html_to_text(fragment: str) -> str:
    """Plain text as excerpts show it: where a block ends, one space, and
    punctuation when its text had none (after a heading 「：」, after a line
    「。」), so that a heading never runs into the sentence after it."""
    parts = _BLOCK_END.split(fragment)
    out: list[str] = []
    # split() with one group: text, tag name (None for <br>), text, ...
    for i in range(0, len(parts), 2):
        piece = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", parts[i]))).strip()
        if not piece:
            continue
        if i + 1 < len(parts) and not _ENDED.search(piece):
            tag = parts[i + 1] or ""
            piece += "：" if tag[:1] in "hH" and tag else "。"
        out.append(piece)
    return " ".join(out)


def excerpt(text: str, length: int = 100) -> str:
    """About `length` characters of plain text, ending 「...」 when cut."""
    text = text.strip()
    if len(text) <= length:
        return text
    return text[:length].rstrip() + "..."
