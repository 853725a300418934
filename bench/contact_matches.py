"""Server time of the contact page's matches as a member types (README, Contact page).

    python bench/contact_matches.py

Every prefix of six problems typed the way members write them, three rounds,
through the Flask test client (no network), the search results cache off, so
each request runs a search and the wizard match as a fresh keystroke would.
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

PHRASES = ["コードが届かない", "機種変更したらログインできない", "パスワードを忘れました", "メールアドレスを変更したい",
           "退会したい", "SMSが来ない"]


def main() -> None:
    app = create_app(app_config(Path(tempfile.mkdtemp()), SEARCH_CACHE_SIZE=0))
    prepare(app.config)
    client = app.test_client()
    client.get("/contact")
    prefixes = [p[:i] for p in PHRASES for i in range(1, len(p) + 1)]
    for q in prefixes[:5]:
        client.get("/contact/matches", query_string={"q": q})  # warm up
    times = []
    for _ in range(3):
        for q in prefixes:
            t = time.perf_counter()
            assert client.get("/contact/matches", query_string={"q": q}).status_code == 200
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"{len(times)} requests, results cache off: p50 {statistics.median(times):.1f} ms, "
          f"p99 {times[max(0, int(len(times) * 0.99) - 1)]:.1f} ms")


if __name__ == "__main__":
    main()
