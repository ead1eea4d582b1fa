import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_local_mode_binds_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MicrosoftAppId", raising=False)
    settings = Settings(_env_file=None)
    assert settings.local_mode
    assert settings.bind_host == "127.0.0.1"
    assert settings.web_chat_enabled


def test_app_id_from_conventional_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MicrosoftAppId", "11111111-2222-3333-4444-555555555555")
    settings = Settings(_env_file=None)
    assert not settings.local_mode
    assert settings.bind_host == "0.0.0.0"
    assert not settings.web_chat_enabled


def test_bad_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WISSENSLOTSE_PORT", "70000")
    with pytest.raises(ValidationError, match="port"):
        Settings(_env_file=None)
