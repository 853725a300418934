"""Helpers shared by the test modules (imported as `support`; conftest files
cannot be imported by name reliably once tests/browser is collected too)."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def app_config(instance: Path, content: Path = CONTENT, **extra) -> dict:
    cfg = {"INSTANCE_DIR": str(instance), "CONTENT_DIR": str(content), "DATABASE_URL": "",
           "SECRET_KEY": "test-secret", "ADMIN_PASSWORD": "test-admin-pw", "INDEX_CHECK_SECONDS": 0.0,
           "PAGE_CACHE_SECONDS": 0}
    cfg.update(extra)
    return cfg


SMALL_SITE = """\
name: テストヘルプ
contacts:
  - id: call-center
    title: コールセンター
    phone: 0120-000-000
    hours: 平日 9:00〜17:00
flows:
  two-factor-settings:
    title: 2段階認証の変更画面
    url: https://member.example.jp/2fa
"""

SMALL_CATEGORIES = """\
- slug: two-factor
  title: 2段階認証
  children:
    - slug: other
      title: その他
- slug: login
  title: ログイン
"""


def faq_text(number: int, title: str = "質問です", categories: str = "[two-factor/other]",
             published: str = "2021-04-23 16:00", updated: str = "2021-05-01 10:00",
             body: str = "回答の本文です。", extra: str = "") -> str:
    return (f"---\nnumber: {number}\ntitle: {title}\ncategories: {categories}\n"
            f"published: {published}\nupdated: {updated}\n{extra}---\n{body}\n")


def copy_content(dest: Path) -> Path:
    """A writable copy of the real content tree."""
    shutil.copytree(CONTENT, dest)
    return dest


def dedent(s: str) -> str:
    return textwrap.dedent(s)


def entries_generation(tmp_path: Path, content_dir: Path, entries: dict[int, tuple[str, str]]):
    """A generation (without word vectors) of `content_dir` with these
    entries (number → (question, answer)) written into it."""
    from helpcenter.content.loader import load_content
    from helpcenter.search import indexer
    from helpcenter.search.store import Generation

    for number, (title, body) in entries.items():
        (content_dir / "faq" / f"{number}.md").write_text(faq_text(number, title, body=body), encoding="utf-8")
    content, problems = load_content(content_dir)
    assert content is not None, problems
    target = tmp_path / "gen"
    target.mkdir()
    indexer.build_generation(content, target, use_vectors=False)
    return Generation(target)
