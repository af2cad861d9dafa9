from datetime import date, time
from pathlib import Path

import pytest

from prima.config import ConfigError, OpeningRange, ServiceConfig, load_config
from prima.settings import PROJECT_ROOT, Settings, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yml"
    path.write_text(text)
    return path


def test_the_shipped_config_is_valid_and_equals_the_defaults() -> None:
    assert load_config(PROJECT_ROOT / "config.yml") == ServiceConfig()


def test_an_empty_file_means_all_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.languages.default == "id"
    assert config.business_hours.days["monday"] is not None
    assert config.business_hours.days["sunday"] is None


def test_opening_hours_forms(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, "business_hours:\n  days:\n    monday: 24h\n    tuesday: '07:30-15:00'\n")
    )
    days = config.business_hours.days
    assert days["monday"] == (OpeningRange(opens=time(0), closes=time(23, 59, 59)),)
    assert days["tuesday"] == (OpeningRange(opens=time(7, 30), closes=time(15)),)
    assert days["wednesday"] is None  # unspecified days are closed once `days` is given


def test_a_day_with_breaks(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, "business_hours:\n  days:\n    friday: '08:00-11:30, 13:00-16:30'\n")
    )
    assert config.business_hours.days["friday"] == (
        OpeningRange(opens=time(8), closes=time(11, 30)),
        OpeningRange(opens=time(13), closes=time(16, 30)),
    )


def test_holiday_categories_default_by_country(tmp_path: Path) -> None:
    def categories(text: str) -> tuple[str, ...]:
        return load_config(write(tmp_path, text)).business_hours.holiday_categories

    assert categories("") == ("public", "government")  # ID: public holidays and cuti bersama
    assert categories("business_hours:\n  holiday_categories: null\n") == ("public", "government")
    assert categories("business_hours:\n  holiday_categories: [public]\n") == ("public",)
    assert categories("business_hours:\n  holidays: MY\n") == ("public",)
    assert categories("business_hours:\n  holidays: none\n") == ()


def test_special_hours(tmp_path: Path) -> None:
    text = (
        "business_hours:\n  special_hours:\n"
        "    - from: 2026-02-18\n      to: 2026-03-19\n"
        "      days: {monday: '08:00-15:00', saturday: closed}\n"
    )
    (period,) = load_config(write(tmp_path, text)).business_hours.special_hours
    assert (period.start, period.end) == (date(2026, 2, 18), date(2026, 3, 19))
    assert period.days == {
        "monday": (OpeningRange(opens=time(8), closes=time(15)),),
        "saturday": None,
    }


def test_the_week_in_force_on_a_day_takes_a_dated_period_over_the_weekly_hours(
    tmp_path: Path,
) -> None:
    text = (
        "business_hours:\n  special_hours:\n"
        "    - from: 2026-02-18\n      to: 2026-03-19\n"
        "      days: {monday: '08:00-15:00'}\n"
    )
    hours = load_config(write(tmp_path, text)).business_hours
    ramadan, after = hours.week_on(date(2026, 3, 19)), hours.week_on(date(2026, 3, 20))
    assert ramadan["monday"] == (OpeningRange(opens=time(8), closes=time(15)),)
    assert ramadan["tuesday"] == hours.days["tuesday"] == after["tuesday"]
    assert after["monday"] == hours.days["monday"] != ramadan["monday"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nlu:\n  confidence_threshold: 1.5\n", "nlu.confidence_threshold: Input should be less"),
        ("nlu:\n  colour: red\n", "nlu.colour: unknown key"),
        ("business_hours:\n  timezone: Mars/Base\n", "unknown time zone 'Mars/Base'"),
        ("business_hours:\n  days:\n    funday: closed\n", "'funday' is not a weekday"),
        ("business_hours:\n  days:\n    monday: '16:00-08:00'\n", "must be after opening"),
        ("business_hours:\n  days:\n    monday: 9 to 5\n", "is not 'closed', '24h'"),
        (
            "business_hours:\n  days:\n    friday: '08:00-12:00, 11:30-16:00'\n",
            "business_hours.days: friday: '08:00-12:00, 11:30-16:00': each range must start after",
        ),
        (
            "business_hours:\n  days:\n    friday: '08:00-11:30,'\n",
            "friday: '08:00-11:30,' is not 'closed', '24h' or 'HH:MM-HH:MM'",
        ),
        (
            "business_hours:\n  holiday_categories: [religious]\n",
            "business_hours.holiday_categories: 'religious' is not a holiday category of ID in the "
            "holidays package (it offers government, public)",
        ),
        (
            "business_hours:\n  holidays: MY\n  holiday_categories: [government]\n",
            "business_hours.holiday_categories: 'government' is not a holiday category of MY",
        ),
        (
            "business_hours:\n  holiday_categories: []\n",
            "business_hours.holiday_categories: list at least one category",
        ),
        (
            "business_hours:\n  holidays: none\n  holiday_categories: [public]\n",
            "business_hours.holiday_categories: set business_hours.holidays to a country",
        ),
        (
            "business_hours:\n  special_hours:\n    - {from: 2026-03-19, to: 2026-02-18, "
            "days: {monday: '08:00-15:00'}}\n",
            "business_hours.special_hours.0: to: 2026-02-18 is before from: 2026-03-19",
        ),
        (
            "business_hours:\n  special_hours:\n    - {from: 2026-02-18, to: 2026-03-19, "
            "days: {}}\n",
            "business_hours.special_hours.0.days: name at least one weekday",
        ),
        (
            "business_hours:\n  special_hours:\n    - {from: 2026-02-18, to: 2026-03-19, "
            "days: {funday: '08:00-15:00'}}\n",
            "special_hours.0.days: 'funday' is not a weekday",
        ),
        (
            "business_hours:\n  special_hours:\n    - {from: 2026-02-18, days: {monday: closed}}\n",
            "business_hours.special_hours.0.to: Field required",
        ),
        (
            "business_hours:\n  special_hours:\n"
            "    - {from: 2026-02-18, to: 2026-03-19, days: {monday: '08:00-15:00'}}\n"
            "    - {from: 2026-03-19, to: 2026-03-31, days: {monday: closed}}\n",
            "business_hours.special_hours: 2026-02-18–2026-03-19 and 2026-03-19–2026-03-31 overlap",
        ),
        ("languages:\n  default: fr\n", "languages.default: Input should be 'id' or 'en'"),
        ("languages:\n  default: en\n  supported: [id]\n", "'en' is not in supported"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("service: [unclosed\n", "not valid YAML"),
    ],
)
def test_invalid_configuration_names_the_key_and_the_problem(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(ConfigError, match=r"config\.yml") as caught:
        load_config(write(tmp_path, text))
    assert expected in str(caught.value)


def test_a_missing_file_says_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PRIMA_CONFIG"):
        load_config(tmp_path / "nope.yml")


def test_environment_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RASA_URL", "http://rasa:5005/")
    monkeypatch.setenv("RASA_TOKEN", "s3cr3t-value")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/prima")
    monkeypatch.setenv("PRIMA_CACHE_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.rasa_url == "http://rasa:5005"
    assert (
        settings.rasa_token is not None and settings.rasa_token.get_secret_value() == "s3cr3t-value"
    )
    assert "s3cr3t-value" not in repr(settings)
    assert settings.models_path == tmp_path / "models"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("RASA_URL", "ftp://rasa", "RASA_URL: 'ftp://rasa' is not an http(s) URL"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL: scheme 'mysql' is not supported"),
        ("REDIS_URL", "http://r", "REDIS_URL: 'http://r' is not a redis:// URL"),
        ("PRIMA_LOG_LEVEL", "chatty", "PRIMA_LOG_LEVEL: 'chatty' is not one of"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org", "TELEGRAM_API_BASE_URL:"),
    ],
)
def test_invalid_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert expected in str(caught.value)


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RASA_URL", "TELEGRAM_BOT_TOKEN", "DATABASE_URL", "REDIS_URL", "PRIMA_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.rasa_url is None
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.config_path == PROJECT_ROOT / "config.yml"
