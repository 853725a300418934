"""Small server-rendered SVG charts for the dashboard: pure functions returning markup.

Each chart is an <svg role="img"> named by its <title> and summarised by its
<desc> (totals, peak, last value), so a screen reader gets the gist; the page
shows the same numbers in a data table beside it. Series differ by dash
pattern and marker as well as by colour, and colours keep 3:1 against white.
Sizes are in the viewBox; the stylesheet scales the chart to its box.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Sequence

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
# dark enough for non-text contrast (WCAG 1.4.11) on white
COLOURS = ("#0b57a4", "#b3261e", "#1a7f37", "#8250df")
DASHES = ("", "6 4", "2 3", "10 3 2 3")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no data that day (a gap in a line)


def _fmt(v: float, percent: bool) -> str:
    return f"{v * 100:.0f}%" if percent else f"{v:,.0f}"


def _nice_max(v: float, ticks: int = 4) -> float:
    """The smallest top ≥ v whose `ticks` gridlines fall on round whole numbers (1, 2, 5 × 10ⁿ apart)."""
    if v <= 0:
        return float(ticks)
    magnitude = 1
    while True:
        for m in (1, 2, 5):
            if m * magnitude * ticks >= v:
                return float(m * magnitude * ticks)
        magnitude *= 10


def _frame(chart_id: str, title: str, desc: str, top: float, percent: bool, labels: Sequence[str]) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    out = [f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" preserveAspectRatio="xMidYMid meet" '
           f'xmlns="http://www.w3.org/2000/svg">',
           f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
           f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>',
           '<g class="axis" aria-hidden="true">']
    for i in range(5):
        v = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(v, percent)}</text>')
    n = len(labels)
    every = max(1, -(-n // 8))  # at most about 8 date labels, counted back from the last (today)
    for i, label in enumerate(labels):
        if (n - 1 - i) % every == 0:
            x = LEFT + plot_w * (i + 0.5) / max(n, 1)
            out.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{escape(label)}</text>')
    out.append("</g>")
    return out


def _summary(s: Series, labels: Sequence[str], percent: bool) -> str:
    known = [(lab, v) for lab, v in zip(labels, s.values) if v is not None]
    if not known:
        return f"{s.name}：データなし。"
    peak = max(known, key=lambda kv: kv[1])
    if percent:
        return (f"{s.name}：最新 {_fmt(known[-1][1], True)}（{known[-1][0]}）、"
                f"最高 {_fmt(peak[1], True)}（{peak[0]}）。")
    return (f"{s.name}：合計 {_fmt(sum(v for _, v in known), False)}、"
            f"最多 {_fmt(peak[1], False)}（{peak[0]}）。")


def bar_chart(chart_id: str, title: str, labels: Sequence[str], series: Series) -> str:
    """Vertical bars, one per label (e.g. one per day)."""
    values = [v or 0 for v in series.values]
    top = _nice_max(max(values, default=0))
    desc = f"{labels[0]}〜{labels[-1]}の棒グラフ。" + _summary(series, labels, False) if labels else "データなし。"
    out = _frame(chart_id, title, desc, top, False, labels)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(values), 1)
    out.append(f'<g class="bars" fill="{COLOURS[0]}">')
    for i, v in enumerate(values):
        h = plot_h * v / top
        x = LEFT + slot * i + slot * 0.15
        out.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}">'
                   f'<title>{escape(labels[i])}：{_fmt(v, False)}</title></rect>')
    out.append("</g></svg>")
    return "\n".join(out)


def line_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series],
               percent: bool = True) -> str:
    """One line per series; None values leave a gap. Percent charts run 0–100%."""
    known = [v for s in series for v in s.values if v is not None]
    top = 1.0 if percent else _nice_max(max(known, default=0))
    desc = (f"{labels[0]}〜{labels[-1]}の折れ線グラフ。" if labels else "") + "".join(
        _summary(s, labels, percent) for s in series)
    out = _frame(chart_id, title, desc, top, percent, labels)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(labels), 1)
    for k, s in enumerate(series):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        points, runs = [], [[]]
        for i, v in enumerate(s.values):
            if v is None:
                runs.append([])
                continue
            x = LEFT + plot_w * (i + 0.5) / n
            y = TOP + plot_h - plot_h * min(v, top) / top
            runs[-1].append(f"{x:.1f},{y:.1f}")
            points.append((x, y, labels[i], v))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<g class="series" stroke="{colour}" fill="{colour}">')
        for run in runs:
            if len(run) > 1:
                out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke-width="2.5"{dash_attr}/>')
        for x, y, lab, v in points:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
                       f'<title>{escape(s.name)} {escape(lab)}：{_fmt(v, percent)}</title></circle>')
        out.append("</g>")
    # legend: pattern + name, so the lines are told apart without colour
    out.append('<g class="legend" aria-hidden="true">')
    x = LEFT
    for k, s in enumerate(series):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        y = HEIGHT - 8
        out.append(f'<line x1="{x}" x2="{x + 28}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" stroke-width="2.5"'
                   f'{dash_attr}/><text x="{x + 34}" y="{y}">{escape(s.name)}</text>')
        x += 44 + 15 * len(s.name)
    out.append("</g></svg>")
    return "\n".join(out)
