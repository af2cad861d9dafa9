"""Settings from the environment: secrets, connection strings and file locations."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from prima.config import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "prima"


_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


class Settings(BaseSettings):
    """Everything read from environment variables (and an optional `.env` file)."""

    # populate_by_name: code (and tests) may pass fields by name; the environment uses aliases.
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", frozen=True, populate_by_name=True
    )

    config_path: Path = Field(
        default=PROJECT_ROOT / "config.yml", validation_alias=AliasChoices("PRIMA_CONFIG")
    )
    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN")
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        validation_alias=AliasChoices("TELEGRAM_API_BASE_URL"),
    )
    database_url: str | None = Field(default=None, validation_alias=AliasChoices("DATABASE_URL"))
    redis_url: str | None = Field(default=None, validation_alias=AliasChoices("REDIS_URL"))
    rasa_url: str | None = Field(default=None, validation_alias=AliasChoices("RASA_URL"))
    rasa_token: SecretStr | None = Field(default=None, validation_alias=AliasChoices("RASA_TOKEN"))
    cache_dir: Path = Field(
        default_factory=_default_cache_dir, validation_alias=AliasChoices("PRIMA_CACHE_DIR")
    )
    model_dir: Path | None = Field(default=None, validation_alias=AliasChoices("PRIMA_MODEL_DIR"))
    state_dir: Path = Field(
        default=PROJECT_ROOT / ".prima", validation_alias=AliasChoices("PRIMA_STATE_DIR")
    )
    smtp_host: str | None = Field(default=None, validation_alias=AliasChoices("SMTP_HOST"))
    smtp_port: int = Field(default=587, validation_alias=AliasChoices("SMTP_PORT"))
    smtp_username: str | None = Field(default=None, validation_alias=AliasChoices("SMTP_USERNAME"))
    smtp_password: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SMTP_PASSWORD")
    )
    smtp_from: str = Field(default="prima@localhost", validation_alias=AliasChoices("SMTP_FROM"))
    smtp_security: str = Field(default="starttls", validation_alias=AliasChoices("SMTP_SECURITY"))
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("PRIMA_LOG_LEVEL"))
    # Webhook mode (`prima run --webhook`): Telegram posts updates to this server.
    webhook_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_WEBHOOK_SECRET")
    )
    webhook_host: str = Field(default="0.0.0.0", validation_alias=AliasChoices("WEBHOOK_HOST"))
    webhook_port: int = Field(default=8080, validation_alias=AliasChoices("WEBHOOK_PORT"))
    webhook_path: str = Field(default="/telegram", validation_alias=AliasChoices("WEBHOOK_PATH"))

    @field_validator("telegram_api_base_url")
    @classmethod
    def _telegram_url(cls, value: str) -> str:
        return _check_http_url(value)

    @field_validator("rasa_url")
    @classmethod
    def _rasa_url(cls, value: str | None) -> str | None:
        return _check_http_url(value).rstrip("/") if value else None

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        scheme = urlsplit(value).scheme.split("+")[0]
        if scheme not in ("sqlite", "postgresql", "postgres"):
            raise ValueError(f"scheme {scheme!r} is not supported (use sqlite:// or postgresql://)")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"{value!r} is not a redis:// URL")
        return value

    @field_validator("smtp_security")
    @classmethod
    def _smtp_security(cls, value: str) -> str:
        if value not in ("starttls", "tls", "none"):
            raise ValueError(f"{value!r} is not one of starttls, tls, none")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not _WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError("use 1-256 characters: letters, digits, _ and - (Telegram's rule)")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path(cls, value: str) -> str:
        if not value.startswith("/") or value in ("/healthz", "/readyz", "/metrics"):
            raise ValueError(f"{value!r}: give a path like /telegram (not a health path)")
        return value

    @field_validator("smtp_port", "webhook_port")
    @classmethod
    def _smtp_port(cls, value: int) -> int:
        if not 0 < value < 65536:
            raise ValueError(f"{value} is not a port number")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError(f"{value!r} is not one of DEBUG, INFO, WARNING, ERROR")
        return level

    @property
    def models_path(self) -> Path:
        return self.model_dir if self.model_dir is not None else self.cache_dir / "models"


# Environment variable names, by field, for error messages.
_ENV_NAMES = {
    name: str(field.validation_alias.choices[0])  # type: ignore[union-attr]
    for name, field in Settings.model_fields.items()
    if field.validation_alias is not None
}


def load_settings() -> Settings:
    """Read the environment. Raises ConfigError naming the variable and what is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            name = _ENV_NAMES.get(field, field)
            problems.append(f"  {name}: {error['msg'].removeprefix('Value error, ')}")
        raise ConfigError("invalid environment\n" + "\n".join(problems)) from None
