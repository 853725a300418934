"""Bad HELPCENTER_* values are reported all at once, each by name, never as a traceback."""
import pytest

from helpcenter import settings
from helpcenter.cli import main


def test_every_bad_setting_is_named_at_once():
    with pytest.raises(settings.SettingsError) as exc:
        settings.load({"HELPCENTER_BASE_URL": "help.example.jp", "HELPCENTER_PAGE_SIZE": "ten",
                       "HELPCENTER_SESSION_HOURS": "8"})
    lines = str(exc.value).splitlines()
    assert [line.split(":")[0] for line in lines] == ["HELPCENTER_BASE_URL", "HELPCENTER_PAGE_SIZE"]


def test_the_command_refuses_bad_settings_without_a_traceback(runner, monkeypatch):
    monkeypatch.setenv("HELPCENTER_BASE_URL", "ftp://help.example.jp")
    monkeypatch.setenv("HELPCENTER_POPULAR_DAYS", "many")
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 2
    assert "HELPCENTER_BASE_URL: not an http(s) base URL" in result.stderr
    assert "HELPCENTER_POPULAR_DAYS:" in result.stderr
    assert "Traceback" not in result.output + result.stderr
