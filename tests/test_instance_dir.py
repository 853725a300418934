"""An instance folder this user cannot write: every command that writes says so
in one sentence and exits 1 (no traceback); `report` and `check` work read-only.

Permissions do not stop root, so as root the commands run as `nobody` (setpriv)."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from support import CONTENT

from helpcenter import create_app
from helpcenter.analytics import events
from helpcenter.publishing import prepare

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def run(args: list[str], instance: Path, as_other_user: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, HELPCENTER_INSTANCE_DIR=str(instance), HELPCENTER_CONTENT_DIR=str(CONTENT),
               HELPCENTER_DATABASE_URL="", HELPCENTER_SECRET_KEY="", HOME="/tmp")
    prefix = NOBODY if as_other_user and os.geteuid() == 0 else []
    return subprocess.run(prefix + [sys.executable, "-m", "helpcenter.cli", *args], env=env, cwd="/tmp",
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def read_only_instance():
    """A served instance (index, database with one chat fallback, secret key), then made read-only."""
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    root = Path(tempfile.mkdtemp(prefix="hc-readonly-"))  # not under pytest's tmp (mode 700 for root)
    root.chmod(0o755)
    inst = root / "instance"
    app = create_app({"INSTANCE_DIR": str(inst), "CONTENT_DIR": str(CONTENT), "DATABASE_URL": "",
                      "SECRET_KEY": ""})
    prepare(app.config)
    events.record_chat(app.extensions["helpcenter.db"], visitor="v1", reply_type=events.FALLBACK,
                       message="月の満ち欠けを教えて", faqs=[])
    app.extensions["helpcenter.index"].close()
    app.extensions["helpcenter.db"].dispose()
    for path in [inst, *inst.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod((mode & ~0o222) | (0o555 if path.is_dir() else 0o444))
    yield inst
    for path in [inst, *inst.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    shutil.rmtree(root)


def _one_sentence(result: subprocess.CompletedProcess, instance: Path) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    out = (result.stdout + result.stderr).strip()
    assert "Traceback" not in out and "Error:" not in out
    assert len(out.splitlines()) == 1, out
    assert f"the instance folder {instance}" in out and "HELPCENTER_INSTANCE_DIR" in out
    return out


@pytest.mark.parametrize("args", [["index"], ["serve", "--port", "1"], ["db", "upgrade"], ["db", "purge"]])
def test_writing_commands_say_so_in_one_sentence_and_exit_1(read_only_instance, args):
    out = _one_sentence(run(args, read_only_instance), read_only_instance)
    assert "Permission denied" in out


def test_report_works_on_a_read_only_instance(read_only_instance):
    before = sorted(p.name for p in read_only_instance.iterdir())
    result = run(["report"], read_only_instance)
    assert result.returncode == 0, result.stderr
    assert "月の満ち欠けを教えて" in result.stdout and "Traceback" not in result.stderr
    assert sorted(p.name for p in read_only_instance.iterdir()) == before


def test_check_and_search_work_on_a_read_only_instance(read_only_instance):
    assert run(["check"], read_only_instance).returncode == 0
    result = run(["search", "機種変更"], read_only_instance)
    assert result.returncode == 0 and "result(s)" in result.stdout, result.stderr


def test_an_instance_folder_that_cannot_exist_is_one_sentence_even_for_root(tmp_path):
    (tmp_path / "a-file").write_text("x")
    inst = tmp_path / "a-file" / "instance"
    for args in (["index"], ["serve", "--port", "1"], ["db", "upgrade"]):
        out = _one_sentence(run(args, inst, as_other_user=False), inst)
        assert "Not a directory" in out
