"""Settings errors, start-up lines and the logging rules, through the real command line."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from bot.kb import KnowledgeBase
from bot.logs import RedactSecrets, configure
from tests.conftest import FIXTURE, ROOT, TOKEN
from tests.fakebotapi import FakeBotApi


def run_bot(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TELEGRAM_BOT_TOKEN", "12345", "does not look like a bot token"),
        ("BOT_ADMIN_IDS", "alice,bob", "numeric Telegram user ids"),
        ("BOT_WEBHOOK_PORT", "seventy", "BOT_WEBHOOK_PORT"),
        ("BOT_LOG_LEVEL", "LOUD", "BOT_LOG_LEVEL"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "must start with http"),
        ("BOT_SEMANTIC", "perhaps", "BOT_SEMANTIC"),
        ("BOT_MODERATOR_CHAT_ID", "12345", "negative number"),
        ("BOT_HANDOFF_HOURS", "0", "BOT_HANDOFF_HOURS"),
        ("BOT_STAFF_LANGUAGE", "english", "two-letter language code"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = run_bot(["validate"], {variable: value}, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_a_malformed_token_is_never_echoed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    almost = "123456:short-but-secret"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", almost)
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert almost not in str(caught.value)


def test_settings_come_from_a_dot_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "BOT_")):
            monkeypatch.delenv(name)
    env_file = tmp_path / ".env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nBOT_ADMIN_IDS=1, 2\nBOT_LOG_LEVEL=debug\n")
    settings = load_settings(env_file)
    assert settings.token is not None
    assert settings.token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings)
    assert settings.admin_ids == frozenset({1, 2})
    assert settings.log_level == "DEBUG"


def test_an_env_file_the_bot_may_not_read_is_skipped_with_one_line(tmp_path: Path) -> None:
    # Under systemd the .env is root-only and systemd passes it in the environment; a file the
    # process cannot read (here a directory, as tests run as root) must not crash the bot.
    (tmp_path / ".env").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "validate", "--errors-only", str(FIXTURE)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "BOT_LOG_LEVEL": "INFO"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "cannot read .env: settings come from the environment only" in result.stderr
    assert "Traceback" not in result.stderr


def test_redaction_filter_hides_tokens_in_messages_and_tracebacks() -> None:
    redact = RedactSecrets([TOKEN])
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST %s", (f"https://x/bot{TOKEN}/getMe",), None
    )
    redact.filter(record)
    assert TOKEN not in record.getMessage()
    other = "987654321:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"
    assert other not in redact.redact(f"token {other} leaked")
    try:
        raise RuntimeError(f"failed calling https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    redact.filter(record)
    assert TOKEN not in record.getMessage()
    assert "RuntimeError" in record.getMessage()


def test_library_error_logs_keep_no_message_text_or_user_ids() -> None:
    # The shape of python-telegram-bot's own error path: an update it cannot parse is quoted in
    # the exception and in the log arguments. With BOT_LOG_LEVEL=DEBUG, none of it is written.
    marker_text, marker_id, marker_name = "MARKER-TEXT-7f3a", "424242424", "marker_user_9"
    update = {"message": {"text": marker_text, "from": {"id": marker_id, "username": marker_name}}}
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    try:
        configure("DEBUG", [TOKEN])
        try:
            raise KeyError(f"cannot parse update {update}")
        except KeyError:
            logging.getLogger("telegram.ext.Updater").exception(
                "Error while processing update %s: %r", marker_id, update
            )
        logging.getLogger("telegram.ext.Application").debug("update %s", update)
        logging.getLogger("httpx").warning("HTTP request with %s", update)
        logging.getLogger("bot.test").info("our own line %s", "stays whole")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    written = out.getvalue()
    for marker in (marker_text, marker_id, marker_name):
        assert marker not in written
    assert "Error while processing update …: …" in written
    assert "KeyError (details withheld)" in written
    assert "test_settings_and_startup.py" in written, "the traceback's frames stay"
    assert "our own line stays whole" in written


async def test_run_with_a_rejected_token_exits_with_one_line(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    import asyncio

    fake_api.reject_token = True
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake_api.base_url,
        "BOT_DATABASE_PATH": str(tmp_path / "db.sqlite3"),
    }
    result = await asyncio.to_thread(run_bot, ["run"], env, ROOT)
    assert result.returncode == 1
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr + result.stdout


def test_run_with_an_unreachable_api_exits_with_one_line(tmp_path: Path) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9",
        "BOT_DATABASE_PATH": str(tmp_path / "db.sqlite3"),
    }
    result = run_bot(["run"], env, ROOT)
    assert result.returncode == 1
    assert "cannot reach the Telegram Bot API at http://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


async def test_run_prints_one_startup_line_then_serves(
    fake_api: FakeBotApi, tmp_path: Path, kb: KnowledgeBase
) -> None:
    """`run` with the shipped knowledge, as in production; expectations are read from it."""
    import asyncio

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))},
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake_api.base_url,
        "BOT_DATABASE_PATH": str(tmp_path / "state" / "bot.sqlite3"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stderr is not None
        line = (await asyncio.wait_for(process.stderr.readline(), 30)).decode()
        languages = " ".join(kb.languages)
        expected = f"knowledge loaded ({len(kb.entries)} entries, languages {languages})"
        assert line.startswith(f"@migration_faq_test_bot: {expected}")
        assert "mode: long polling" in line
        assert line.rstrip().endswith("hand-off: off")
        assert str(tmp_path / "state" / "bot.sqlite3") in line
        from tests import updates

        entry = kb.entries[0]
        fake_api.push(updates.text(entry.questions.get("en")[0], lang="en"))
        sent = await fake_api.wait_for("sendMessage", 1, within=30)
        assert escape(entry.title("en", "en"), quote=False) in sent[-1]["text"]
        assert (tmp_path / "state" / "bot.sqlite3").exists()
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)
    assert process.stderr is not None
    rest = (await process.stderr.read()).decode()
    assert TOKEN not in rest
