"""The README documents every setting and every command."""
from support import ROOT

from helpcenter.cli import main
from helpcenter.settings import SETTINGS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_setting_with_its_help():
    for s in SETTINGS:
        assert f"`HELPCENTER_{s.name}`" in README, s.name


def test_readme_lists_every_command():
    for name, command in main.commands.items():
        assert f"helpcenter {name}" in README, name
        for sub in getattr(command, "commands", {}):
            assert f"helpcenter {name} {sub}" in README, f"{name} {sub}"


def test_readme_test_command_is_what_ci_runs():
    assert "bash .ci/test" in README
    assert "bash .ci/test" in (ROOT / ".ci" / "run").read_text()
