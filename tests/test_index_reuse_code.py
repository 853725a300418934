"""An entry is reused only while the code that analyses it is the same: a
change to rendering or analysis re-analyses every entry, bumped schema or not
(3ee3605 changed render.html_to_text, and with it every stored plain text and
excerpt, without bumping SCHEMA_VERSION)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import CONTENT

import helpcenter

PACKAGE = Path(helpcenter.__file__).parent
SALT = ("from helpcenter.content.loader import load_content; from helpcenter.search import indexer; "
        "from helpcenter.search.engine import build; "
        f"print(build.build_salt(indexer.SCHEMA_VERSION, load_content({str(CONTENT)!r})[0]))")


def _salt(root: Path) -> str:
    out = subprocess.run([sys.executable, "-c", SALT], cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, check=True)
    return out.stdout


@pytest.mark.parametrize("module", ["render.py", "search/analysis.py", "search/documents.py",
                                    "search/fields.py", "search/engine/build.py"])
def test_a_change_to_the_code_that_analyses_entries_changes_every_digest(tmp_path, module):
    shutil.copytree(PACKAGE, tmp_path / "helpcenter", ignore=shutil.ignore_patterns("__pycache__"))
    before = _salt(tmp_path)
    with open(tmp_path / "helpcenter" / module, "a", encoding="utf-8") as f:
        f.write("\n# a change that does not bump SCHEMA_VERSION\n")
    assert _salt(tmp_path) != before
