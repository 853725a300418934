"""A sliding-window rate limit per client, in process memory.

Each process (gunicorn worker) keeps its own window, so with W workers a
client may send up to W × COUNT messages per window in the worst case; that
bounds abuse well enough for a chatbot whose replies are cheap searches.
Memory is bounded: at most MAX_KEYS clients are tracked, the least recently
seen forgotten first.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque

MAX_KEYS = 10_000


def parse(spec: str) -> tuple[int, float]:
    """"20/60" → (20, 60.0): COUNT messages per SECONDS."""
    try:
        count, seconds = spec.split("/", 1)
        count_i, seconds_f = int(count), float(seconds)
    except (ValueError, AttributeError):
        raise ValueError(f"not a rate limit (COUNT/SECONDS): {spec!r}") from None
    if count_i < 1 or seconds_f <= 0:
        raise ValueError(f"not a rate limit (COUNT/SECONDS): {spec!r}")
    return count_i, seconds_f


class SlidingWindow:
    def __init__(self, count: int, seconds: float, max_keys: int = MAX_KEYS, clock=time.monotonic):
        self.count, self.seconds, self.max_keys, self.clock = count, seconds, max_keys, clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Count one message; 0 when allowed, else the seconds until the next is."""
        now = self.clock()
        with self._lock:
            q = self._hits.get(key)
            if q is None:
                q = self._hits[key] = deque()
            self._hits.move_to_end(key)
            while q and q[0] <= now - self.seconds:
                q.popleft()
            if len(q) >= self.count:
                return max(0.001, q[0] + self.seconds - now)
            q.append(now)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return 0.0
