"""The pages are valid HTML: the Nu HTML Checker (vnu-jar from npm, run with
Debian's Java 17) reports no error on home, category, FAQ, search results, the
wizard pages, the chat page and an error page, as the server renders them.
(Its info-level notes, such as role="list" on lists being redundant, are
not errors: that role is deliberate, Safari drops list semantics otherwise.)"""
from __future__ import annotations

import json
import shutil
import subprocess
from urllib.parse import quote

import pytest

from helpcenter.wizard import encode, outcome_paths
from support import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = ["/", "/category/two-factor?page=2", "/category/profile/email", "/faq/3816", "/faq/4002",
         "/search?q=" + quote("機種変更"), "/search?q=" + quote('"<b>&amp;'), "/search?q=zzqqxxyy", "/search",
         "/wizard/", "/wizard/changing-phones", "/wizard/changing-phones/1", "/chat", "/contact", "/no-such-page"]


def first_outcome(app) -> str:
    wizard = app.extensions["helpcenter.index"].current().wizards["changing-phones"]
    path, _ = next(outcome_paths(wizard))
    return f"/wizard/{wizard.id}/{encode(path)}"


def test_pages_have_no_html_errors(app, client, tmp_path):
    if shutil.which("java") is None:
        pytest.fail("java is missing: run .ci/install (Debian package default-jre-headless)")
    assert VNU.exists(), "run .ci/install (npm package vnu-jar)"
    files = {}
    for i, path in enumerate(PAGES + [first_outcome(app)]):
        resp = client.get(path)
        assert resp.status_code in (200, 404), path
        f = tmp_path / f"page{i}.html"
        f.write_bytes(resp.data)
        files[f] = path
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=300)
    by_file = {str(f): path for f, path in files.items()}
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f'{by_file.get(m.get("url", "").removeprefix("file:"), m.get("url"))}:{m.get("lastLine")}: {m["message"]}'
              for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    assert errors == []
    assert result.returncode == 0
