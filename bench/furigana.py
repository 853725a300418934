"""What furigana costs a page render (README, Furigana).

    python bench/furigana.py

Renders every FAQ page and the first category page through the Flask test
client with the page cache off: furigana off, on with the annotator's cache
warm (the usual case: a worker has seen the texts), and on right after the
cache is emptied (a worker's first render of each text). Milliseconds,
median / p95.
"""
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import app_config  # noqa: E402

from helpcenter import create_app  # noqa: E402
from helpcenter.publishing import prepare  # noqa: E402

app = create_app(app_config(tempfile.mkdtemp(), PAGE_CACHE_SECONDS=0))
prepare(app.config)
paths = [f"/faq/{n}" for n in sorted(app.extensions["helpcenter.index"].current().faq_titles)]


def timed(cookie: str, urls: list[str]) -> list[float]:
    client = app.test_client()
    client.set_cookie("hc_furigana", cookie)
    out = []
    for url in urls:
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        out.append((time.perf_counter() - start) * 1000)
    return out


def show(label: str, ms: list[float]) -> None:
    print(f"{label:<52} {statistics.median(ms):6.1f} / {sorted(ms)[int(len(ms) * 0.95)]:6.1f} ms")


for label, urls in (("FAQ pages", paths), ("category page", ["/category/two-factor"] * 20)):
    timed("0", urls), timed("1", urls)  # warm templates, search caches and the annotator
    show(f"{label}, furigana off", timed("0", urls * 3))
    show(f"{label}, furigana on", timed("1", urls * 3))
    app.extensions["helpcenter.furigana"].current = None
    show(f"{label}, furigana on, first render of each text", timed("1", urls if len(set(urls)) > 1 else urls[:1]))
