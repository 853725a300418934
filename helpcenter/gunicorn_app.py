"""Serving an already-prepared app with gunicorn from `helpcenter serve`."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _App(BaseApplication):
    def __init__(self, app, options):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def run(app, host: str, port: int, workers: int, threads: int = 4, access_log: bool = False) -> None:
    """gthread workers: keep-alive connections, and a slow client does not hold a
    whole process (the app's shared state is thread-safe: per-thread searchers
    and tokenizers, locked caches)."""
    _App(app, {"bind": f"{host}:{port}", "workers": max(1, workers), "worker_class": "gthread",
               "threads": max(1, threads), "keepalive": 5, "accesslog": "-" if access_log else None,
               "timeout": 30, "graceful_timeout": 10}).run()
