"""Config: typed settings, secrets from the environment, and `checkin-bot check` on broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import TOKEN_ENV, ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_example_config_is_valid_and_keeps_defaults() -> None:
    settings = load_settings(ROOT / "config.example.toml")
    assert settings.telegram.base_url == "https://api.telegram.org/bot"
    assert settings.database.url == "sqlite:///checkin.sqlite"
    assert settings.service.flows_dir == ROOT / "flows"


def test_token_comes_from_the_environment_and_is_never_shown(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[telegram]\nbase_url = 'http://127.0.0.1:1/bot'\n")
    monkeypatch.setenv(TOKEN_ENV, "42:SECRET-from-env")
    settings = load_settings(path)
    assert settings.bot_token() == "42:SECRET-from-env"
    assert "SECRET" not in repr(settings)


def test_token_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    (tmp_path / "token").write_text("42:FROM-FILE\n")
    path = tmp_path / "config.toml"
    path.write_text("[telegram]\ntoken_file = 'token'\n")
    assert load_settings(path).bot_token() == "42:FROM-FILE"  # relative to the config file


def test_every_problem_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(
        "[telegram]\ntoken = 'not-a-token'\nmode = 'carrier-pigeon'\n"
        "[database]\nurl = 'mysql://x'\n[checkins]\ndefault_day = 'funday'\nexpire_after_hourz = 3\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    problems = caught.value.problems
    assert f"{path}: telegram.token: does not look like a bot token from BotFather (digits:letters)" in problems
    assert any(p.startswith(f"{path}: telegram.mode: ") for p in problems)
    assert f"{path}: database.url: must be a sqlite:/// or postgresql:// URL" in problems
    assert any(p.startswith(f"{path}: checkins.default_day: must be one of monday") for p in problems)
    assert f"{path}: checkins.expire_after_hourz: unknown key (check the spelling against config.example.toml)" \
        in problems


def test_check_command_exits_2_and_lists_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[service]\ntimezone = 'Mars/Olympus'\n")
    assert main(["check", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: service.timezone: unknown time zone 'Mars/Olympus'" in err


def test_check_command_on_toml_syntax_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[service\nname = 'x'\n")
    assert main(["check", "--config", str(path)]) == 2
    assert f"{path}: not valid TOML" in capsys.readouterr().err


def test_check_command_reports_a_broken_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    for source in (ROOT / "flows").iterdir():
        (flows / source.name).write_text(source.read_text())
    weekly = flows / "weekly.toml"
    weekly.write_text(weekly.read_text().replace('start = "mood"', 'start = "mood2"', 1))
    path = tmp_path / "config.toml"
    path.write_text(f"[service]\nflows_dir = 'flows'\nmessages_dir = '{ROOT / 'messages'}'\n")
    assert main(["check", "--config", str(path)]) == 2
    assert "weekly.toml: start: unknown step 'mood2'" in capsys.readouterr().err


def test_check_command_passes_on_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(ROOT / "config.example.toml")]) == 0
    assert "ok:" in capsys.readouterr().out
