"""Small measuring helpers shared by the benchmark scripts (bench/search, bench/vectors)."""
from __future__ import annotations

from pathlib import Path


def dir_size(path: Path) -> int:
    """Bytes of every file under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`, 0.0 when there are none."""
    values = sorted(values)
    if not values:
        return 0.0
    return values[min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))]


def ms(values: list[float], width: int = 7) -> str:
    """'p50 / p99' of seconds, in milliseconds."""
    return f"{pct(values, 50) * 1000:{width}.2f} / {pct(values, 99) * 1000:{width}.2f}"
