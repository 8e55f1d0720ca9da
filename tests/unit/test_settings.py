"""Settings come from XINYONG_ variables, each checked with an error that names it; the
secret key is never shown, in a repr, a log line or an error."""

from __future__ import annotations

import logging
import os

import pytest

from xinyong.settings import Settings, SettingsError

pytestmark = pytest.mark.unit

SECRET = "c0ffee" * 10 + "abcd"  # 64 hex digits: a well-formed key


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Only the variables a test sets."""
    for name in list(os.environ):
        if name.startswith("XINYONG_"):
            monkeypatch.delenv(name)


def test_unset_variables_leave_the_defaults():
    settings = Settings.from_environment()
    assert settings == Settings()
    assert (settings.db, settings.secret_key, settings.smtp_port, settings.public_rate) == (
        "xinyong.db",
        None,
        25,
        "10/60",
    )
    assert (settings.checkpoint_interval, settings.notice_interval, settings.text_retention) == (3600.0, 3600.0, "P1Y")


@pytest.mark.parametrize(
    ("variable", "text", "field", "value"),
    [
        ("XINYONG_DB", "postgresql+psycopg://db/x", "db", "postgresql+psycopg://db/x"),
        ("XINYONG_KEY_FILE", "/keys/x.key", "key_file", "/keys/x.key"),
        ("XINYONG_NODE_KEY_FILE", "/keys/node.key", "node_key_file", "/keys/node.key"),
        ("XINYONG_CHECKPOINT_DIR", "/var/checkpoints", "checkpoint_dir", "/var/checkpoints"),
        ("XINYONG_CHECKPOINT_INTERVAL", "60", "checkpoint_interval", 60.0),
        ("XINYONG_TEXT_RETENTION", "P2Y", "text_retention", "P2Y"),
        ("XINYONG_SMTP_HOST", "mail.example.org", "smtp_host", "mail.example.org"),
        ("XINYONG_SMTP_PORT", "2525", "smtp_port", 2525),
        ("XINYONG_SMTP_FROM", "x@example.org", "smtp_from", "x@example.org"),
        ("XINYONG_NOTICE_INTERVAL", "0", "notice_interval", 0.0),
        ("XINYONG_PUBLIC_RATE", "0.5/5", "public_rate", "0.5/5"),
    ],
)
def test_each_variable_sets_its_setting(monkeypatch, variable, text, field, value):
    monkeypatch.setenv(variable, text)
    assert getattr(Settings.from_environment(), field) == value


def test_a_variable_set_to_nothing_leaves_the_default(monkeypatch):
    monkeypatch.setenv("XINYONG_SMTP_PORT", "")
    monkeypatch.setenv("XINYONG_SECRET_KEY", "")
    settings = Settings.from_environment()
    assert (settings.smtp_port, settings.secret_key) == (25, None)


def test_the_secret_key_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("XINYONG_SECRET_KEY", SECRET)
    secret = Settings.from_environment().secret_key
    assert secret is not None and secret.get_secret_value() == SECRET


def test_a_bad_public_rate_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.setenv("XINYONG_PUBLIC_RATE", "fast")
    with pytest.raises(SettingsError) as refused:
        Settings.from_environment()
    assert str(refused.value) == (
        "XINYONG_PUBLIC_RATE: 'fast' is not a rate: write REQUESTS_PER_SECOND or "
        "REQUESTS_PER_SECOND/BURST, e.g. '10/60'"
    )


@pytest.mark.parametrize(
    ("variable", "text"),
    [
        ("XINYONG_SMTP_PORT", "twenty-five"),
        ("XINYONG_SMTP_PORT", "70000"),
        ("XINYONG_CHECKPOINT_INTERVAL", "hourly"),
        ("XINYONG_NOTICE_INTERVAL", "-1"),
        ("XINYONG_NOTICE_INTERVAL", "inf"),
        ("XINYONG_TEXT_RETENTION", "one year"),
    ],
)
def test_a_value_that_does_not_fit_is_refused_naming_the_variable_and_the_value(monkeypatch, variable, text):
    monkeypatch.setenv(variable, text)
    with pytest.raises(SettingsError) as refused:
        Settings.from_environment()
    message = str(refused.value)
    assert message.startswith(f"{variable}: "), message
    assert repr(text) in message


def test_every_bad_variable_is_named_at_once(monkeypatch):
    monkeypatch.setenv("XINYONG_SMTP_PORT", "x")
    monkeypatch.setenv("XINYONG_PUBLIC_RATE", "y")
    with pytest.raises(SettingsError) as refused:
        Settings.from_environment()
    assert "XINYONG_SMTP_PORT: " in str(refused.value) and "XINYONG_PUBLIC_RATE: " in str(refused.value)


# ------------------------------------------------------------------ the secret


def test_the_secret_is_not_in_the_repr_str_or_a_dump(monkeypatch):
    monkeypatch.setenv("XINYONG_SECRET_KEY", SECRET)
    settings = Settings.from_environment()
    for shown in (repr(settings), str(settings), str(settings.model_dump()), settings.model_dump_json()):
        assert SECRET not in shown


def test_the_secret_is_not_in_a_log_line(monkeypatch, caplog):
    monkeypatch.setenv("XINYONG_SECRET_KEY", SECRET)
    settings = Settings.from_environment()
    with caplog.at_level(logging.INFO):
        logging.getLogger("xinyong.test").info("started with %s (%r)", settings, settings.secret_key)
    assert caplog.text and SECRET not in caplog.text


def test_the_secret_is_not_in_an_error_about_another_variable(monkeypatch):
    monkeypatch.setenv("XINYONG_SECRET_KEY", SECRET)
    monkeypatch.setenv("XINYONG_SMTP_PORT", "x")
    with pytest.raises(SettingsError) as refused:
        Settings.from_environment()
    assert SECRET not in str(refused.value)
    assert refused.value.__context__ is None and refused.value.__cause__ is None


def test_a_secret_that_does_not_fit_is_named_but_not_shown():
    with pytest.raises(SettingsError) as refused:
        Settings(secret_key=12345678987654321)  # type: ignore[arg-type]
    assert str(refused.value).startswith("XINYONG_SECRET_KEY: ")
    assert "12345678987654321" not in str(refused.value)


@pytest.mark.integration
def test_a_malformed_secret_key_is_refused_at_the_door_without_being_shown(tmp_path):
    from xinyong.adapters.storage.sealing import KeyError_
    from xinyong.bootstrap import open_deployment

    secret = "not a key, but secret all the same"
    settings = Settings(db=str(tmp_path / "x.db"), secret_key=secret)  # type: ignore[arg-type]
    with pytest.raises(KeyError_) as refused:
        open_deployment(settings.db, settings).close()
    assert "XINYONG_SECRET_KEY" in str(refused.value)
    assert secret not in str(refused.value)
