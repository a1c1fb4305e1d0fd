"""Settings from the environment and `.env`, each documented in `.env.example`.

A missing or malformed setting becomes a `SettingsError` whose message is one line naming the
variable; the CLI prints it without a traceback. The token is a `SecretStr`, so it never
appears in a repr, a log line or an error message.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from bot.matching.semantic import Embedder
    from bot.store import BotStore

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    """Every setting of the bot. Environment variables win over `.env`."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    token: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    api_base_url: str | None = Field(default=None, validation_alias="TELEGRAM_API_BASE_URL")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias="BOT_ADMIN_IDS"
    )
    moderator_chat_id: int | None = Field(default=None, validation_alias="BOT_MODERATOR_CHAT_ID")
    handoff_hours: int = Field(default=48, ge=1, le=720, validation_alias="BOT_HANDOFF_HOURS")
    staff_language: str | None = Field(default=None, validation_alias="BOT_STAFF_LANGUAGE")
    database_path: Path = Field(
        default=Path("data/bot.sqlite3"), validation_alias="BOT_DATABASE_PATH"
    )
    # PostgreSQL for more than one replica (postgresql://user:password@host/db); it needs
    # BOT_USER_KEY, the key every replica shares and the database never holds.
    database_url: SecretStr | None = Field(default=None, validation_alias="BOT_DATABASE_URL")
    user_key: SecretStr | None = Field(default=None, validation_alias="BOT_USER_KEY")
    knowledge_dir: Path = Field(default=Path("knowledge"), validation_alias="BOT_KNOWLEDGE_DIR")
    log_level: LogLevel = Field(default="INFO", validation_alias="BOT_LOG_LEVEL")
    webhook_url: str | None = Field(default=None, validation_alias="BOT_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, validation_alias="BOT_WEBHOOK_SECRET")
    webhook_listen: str = Field(default="127.0.0.1", validation_alias="BOT_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=1, le=65535, validation_alias="BOT_WEBHOOK_PORT")
    reload_seconds: float = Field(default=30.0, ge=0, validation_alias="BOT_RELOAD_SECONDS")
    semantic: Literal["auto", "on", "off"] = Field(default="auto", validation_alias="BOT_SEMANTIC")
    operator_name: str | None = Field(default=None, validation_alias="BOT_OPERATOR_NAME")
    # /healthz and /metrics for operators, on a port of their own (off when unset).
    metrics_port: int | None = Field(
        default=None, ge=0, le=65535, validation_alias="BOT_METRICS_PORT"
    )
    metrics_listen: str = Field(default="127.0.0.1", validation_alias="BOT_METRICS_LISTEN")
    log_format: Literal["text", "json"] = Field(default="text", validation_alias="BOT_LOG_FORMAT")
    # How long a question a user chose to send to the team is kept (the privacy notice says so).
    unanswered_days: int = Field(default=90, ge=1, le=3650, validation_alias="BOT_UNANSWERED_DAYS")

    @field_validator("token", mode="after")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            # Never echo the value: it may be a real token with a typo.
            raise ValueError("does not look like a bot token from @BotFather (digits:letters)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("must be numeric Telegram user ids separated by commas")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("moderator_chat_id", mode="before")
    @classmethod
    def _group_id(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not re.fullmatch(r"-\d+", value.strip()):
            raise ValueError(
                "must be the staff group's chat id, a negative number such as -1001234567890"
            )
        if isinstance(value, int) and value >= 0:
            raise ValueError("must be a group's chat id, which is negative")
        return value

    @field_validator("staff_language", mode="after")
    @classmethod
    def _language_code(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        code = value.strip().lower()
        if not re.fullmatch(r"[a-z]{2}", code):
            raise ValueError("must be a two-letter language code such as en or fi")
        return code

    @field_validator("api_base_url", "webhook_url", mode="after")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"^https?://\S+$", value.strip()):
            raise ValueError("must start with http:// or https://")
        return value.strip()

    @field_validator("webhook_secret", mode="after")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        # Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and -.
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("must be 1-256 characters of letters, digits, '_' and '-'")
        return value

    @field_validator("database_url", mode="after")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        # Never echo the value: it holds a password.
        if not re.match(r"^postgres(?:ql)?://", value.get_secret_value().strip()):
            raise ValueError("must be a postgresql:// URL (leave it empty for SQLite)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("user_key", mode="after")
    @classmethod
    def _key_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not re.fullmatch(r"[0-9a-fA-F]{64,}", value.get_secret_value().strip()):
            raise ValueError(
                "must be at least 64 hex characters (make one: python -c "
                "'import secrets; print(secrets.token_hex(32))')"
            )
        return SecretStr(value.get_secret_value().strip())

    @model_validator(mode="after")
    def _replicas_share_secrets(self) -> Settings:
        if self.database_url is not None and self.user_key is None:
            raise ValueError(
                "BOT_DATABASE_URL needs BOT_USER_KEY: every replica must hash user ids with "
                "the same key, which the database never holds"
            )
        if self.database_url is not None and self.webhook_url and self.webhook_secret is None:
            raise ValueError(
                "BOT_DATABASE_URL with a webhook needs a fixed BOT_WEBHOOK_SECRET: with a "
                "random one per start, the other replicas refuse Telegram's updates"
            )
        return self

    def user_key_bytes(self) -> bytes | None:
        return bytes.fromhex(self.user_key.get_secret_value()) if self.user_key else None

    def open_store(self) -> BotStore:
        """The store these settings name: PostgreSQL with BOT_DATABASE_URL, else SQLite.
        Raises StoreError with a readable message."""
        from bot.store import SqliteStore

        if self.database_url is not None:
            # Only here: the PostgreSQL driver costs 20 MB of memory a SQLite bot never needs.
            from bot.store.postgres import PostgresStore

            key = self.user_key_bytes()
            assert key is not None
            return PostgresStore(
                self.database_url.get_secret_value(), key, retention_days=self.unanswered_days
            )
        return SqliteStore(
            self.database_path, retention_days=self.unanswered_days, key=self.user_key_bytes()
        )

    @field_validator("semantic", mode="before")
    @classmethod
    def _on_off(cls, value: object) -> object:
        if isinstance(value, bool):
            return "on" if value else "off"
        if isinstance(value, str):
            lowered = value.strip().lower()
            aliases = {
                "true": "on",
                "1": "on",
                "yes": "on",
                "false": "off",
                "0": "off",
                "no": "off",
            }
            return aliases.get(lowered, lowered)
        return value

    def embedder(self) -> Embedder | None:
        """The semantic embedder the bot uses: with `auto`, whenever wordllama is installed."""
        from bot.matching.semantic import load_embedder

        if self.semantic == "off":
            return None
        return load_embedder(required=self.semantic == "on")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def resolved_knowledge_dir(self) -> Path:
        """The knowledge folder; a relative default also works when run outside the repo."""
        if self.knowledge_dir.is_absolute() or self.knowledge_dir.exists():
            return self.knowledge_dir
        fallback = PROJECT_ROOT / self.knowledge_dir
        return fallback if fallback.exists() else self.knowledge_dir

    def api_base(self) -> str | None:
        """The Bot API base URL in the form python-telegram-bot wants (`.../bot`)."""
        if self.api_base_url is None:
            return None
        base = self.api_base_url.rstrip("/")
        return base if base.endswith("/bot") else f"{base}/bot"


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read the settings, turning validation errors into one line per bad variable.

    An env file the process may not read is skipped with a warning, not a crash: under systemd
    the file is root-only and systemd itself passes its settings in the environment.
    """
    if env_file is not None and not _readable(Path(env_file)):
        log.warning("cannot read %s: settings come from the environment only", Path(env_file).name)
        env_file = None
    try:
        return Settings(_env_file=env_file)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            message = str(error.get("ctx", {}).get("error", error["msg"]))
            # A rule about several settings has no single name: its message names them.
            lines.append(f"setting {error['loc'][0]}: {message}" if error["loc"] else message)
        raise SettingsError("; ".join(lines)) from None


def _readable(path: Path) -> bool:
    """Whether `path` is absent (nothing to read) or a file this process can read."""
    try:
        with path.open("rb"):
            return True
    except FileNotFoundError:
        return True
    except OSError:
        return False
