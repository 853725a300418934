"""Pagination as a pure value: which entries a page shows and which links it has."""
from __future__ import annotations

from dataclasses import dataclass


class PageOutOfRange(ValueError):
    pass


def parse_page(raw: str | None) -> int:
    """A page number from the query string; PageOutOfRange for anything else."""
    if raw is None or raw == "":
        return 1
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        raise PageOutOfRange(raw)
    return int(raw)


@dataclass(frozen=True)
class Pagination:
    total: int
    page: int = 1
    per_page: int = 10

    def __post_init__(self):
        if self.per_page < 1 or self.page < 1 or self.page > self.pages:
            raise PageOutOfRange(self.page)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first(self) -> int:
        """1-based number of the first entry shown (0 when there are none)."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.offset + self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def window(self, size: int = 7) -> list[int | None]:
        """Page numbers to link, with None where a gap is elided."""
        if self.pages <= size:
            return list(range(1, self.pages + 1))
        around = set(range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)) | {1, self.pages}
        out: list[int | None] = []
        for n in sorted(around):
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out
