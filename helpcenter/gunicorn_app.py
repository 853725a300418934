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


def run(app, host: str, port: int, workers: int) -> None:
    _App(app, {"bind": f"{host}:{port}", "workers": max(1, workers), "worker_class": "sync",
               "accesslog": "-", "timeout": 30, "graceful_timeout": 10}).run()
