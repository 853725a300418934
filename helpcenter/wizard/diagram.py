"""The editors' map of a wizard: the whole tree as Graphviz DOT, and SVG from it.

`to_dot(wizard)` is a pure function: questions are boxes, outcomes are rounded
filled boxes listing their FAQ numbers (orange when they send the member to
the contact channels), edges carry the option number (as in the URL) and
label. Every label is a quoted DOT string with backslashes, quotes and
newlines escaped, so content text can never break out of it.

`render_svg(dot)` runs the `dot` program with a timeout; `DiagramUnavailable`
says why there is no SVG (not installed, too slow, failed).
"""
from __future__ import annotations

import re
import subprocess
import unicodedata

from ..content.model import Node, Wizard

DOT_COMMAND = "dot"  # a module attribute so that tests can point it elsewhere
TIMEOUT_SECONDS = 10.0
FONT = "IPAexGothic"  # Japanese font shipped by .ci/install; SVG viewers fall back to their own
WRAP = 18  # full-width characters per line in a box: Japanese has no spaces to wrap at
_TOKEN = re.compile(r"[!-~]+|\s+|.", re.S)  # an ASCII word, a run of spaces, or one character
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # dot rejects or mangles them; \n is kept
_NO_LINE_START = set("、。，．・：；？！）」』】〕”’ー～…")

QUESTION_STYLE = 'shape=box, style="filled", fillcolor="#ffffff", color="#0b57a4"'
OUTCOME_STYLE = 'shape=box, style="rounded,filled", fillcolor="#e3f1e6", color="#1a7f37"'
CONTACT_STYLE = 'shape=box, style="rounded,filled", fillcolor="#fff1e0", color="#bc4c00"'


class DiagramUnavailable(RuntimeError):
    """No SVG could be made; the message says why, for the page and the CLI."""


def quote(text: str) -> str:
    """A DOT double-quoted string whose content is shown literally.

    Backslash starts DOT escapes (\\n, \\l, \\N for the node name…), so it is
    doubled; quotes are escaped; real newlines become centred line breaks.
    """
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\n", "\\n")
    return f'"{text}"'


def wrap(text: str, width: int = WRAP) -> str:
    """Line breaks every `width` full-width characters (two half-width count as
    one), never inside an ASCII word and never before 、。？ and the like."""
    lines = []
    for para in text.strip().splitlines() or [""]:
        line, used = "", 0
        for token in _TOKEN.findall(para):
            size = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in token)
            if line and used + size > width * 2 and token[0] not in _NO_LINE_START:
                lines.append(line.rstrip())
                line, used = "", 0
                if token.isspace():
                    continue
            line += token
            used += size
        lines.append(line.rstrip())
    return "\n".join(lines)


def _label(node: Node) -> str:
    if node.outcome is None:
        return f"[{node.id}]\n{wrap(node.question or '')}"
    o = node.outcome
    parts = [f"[{node.id}]", wrap(o.heading)]
    if o.faqs:
        parts.append("FAQ " + ", ".join(str(n) for n in o.faqs))
    if o.flows:
        parts.append(wrap("手続き: " + ", ".join(o.flows)))
    if o.contact:
        parts.append("→ お問い合わせ先を案内")
    return "\n".join(parts)


def to_dot(wizard: Wizard) -> str:
    out = [
        f"digraph {quote(wizard.id)} {{",
        f"  graph [label={quote(wizard.title)}, labelloc=t, fontsize=18, fontname={quote(FONT)},"
        ' rankdir=TB, nodesep=0.3, ranksep=0.5];',
        f"  node [fontname={quote(FONT)}, fontsize=11, margin=\"0.15,0.08\"];",
        f"  edge [fontname={quote(FONT)}, fontsize=10, color=\"#57606a\"];",
        '  "__start" [label="開始", shape=circle, style=filled, fillcolor="#0b57a4", fontcolor="#ffffff",'
        " width=0.6, fixedsize=true];",
    ]
    for nid, node in wizard.nodes.items():
        style = QUESTION_STYLE if node.outcome is None else (CONTACT_STYLE if node.outcome.contact else OUTCOME_STYLE)
        out.append(f"  {quote(nid)} [label={quote(_label(node))}, {style}];")
    out.append(f"  \"__start\" -> {quote(wizard.start)};")
    for nid, node in wizard.nodes.items():
        for i, opt in enumerate(node.options):
            out.append(f"  {quote(nid)} -> {quote(opt.next)} [label={quote(f'{i + 1}. ' + wrap(opt.label, 14))}];")
    out.append("}")
    return "\n".join(out) + "\n"


def render_svg(dot: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """SVG bytes from DOT text, by running Graphviz. Raises DiagramUnavailable."""
    try:
        proc = subprocess.run([DOT_COMMAND, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True,
                              timeout=timeout, check=False)
    except FileNotFoundError:
        raise DiagramUnavailable("Graphviz の dot コマンドが見つかりません（graphviz をインストールしてください）") from None
    except subprocess.TimeoutExpired:
        raise DiagramUnavailable(f"dot が {timeout:g} 秒以内に終わりませんでした") from None
    except OSError as exc:
        raise DiagramUnavailable(f"dot を実行できません: {exc}") from None
    if proc.returncode != 0 or b"<svg" not in proc.stdout:
        err = proc.stderr.decode("utf-8", "replace").strip()[:300]
        raise DiagramUnavailable(f"dot が失敗しました（終了コード {proc.returncode}）: {err}")
    return proc.stdout


def wizard_svg(wizard: Wizard, timeout: float = TIMEOUT_SECONDS) -> bytes:
    return render_svg(to_dot(wizard), timeout)
