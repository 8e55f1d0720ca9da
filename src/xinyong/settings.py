"""Settings read from the environment: every variable has the prefix ``XINYONG_``.

Read once, where the process starts (:meth:`Settings.from_environment`), and passed
down. A value that does not fit is refused with the variable's name; the secret key is
never shown, in a repr, a log line or an error."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from xinyong.domain.calendar import Duration
from xinyong.domain.validation import field_problems

PREFIX = "XINYONG_"


class SettingsError(ValueError):
    """Settings that do not fit: each problem names its variable (``XINYONG_...``)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_ignore_empty=True,  # a variable set to "" is as if unset: the default holds
        frozen=True,
        extra="forbid",
        validate_default=True,
    )
    # Fields whose values no error message shows.
    SECRETS: ClassVar[frozenset[str]] = frozenset({"secret_key"})

    db: str = Field(default="xinyong.db", min_length=1, description="a SQLite path or a database URL")
    # Never in a repr, a log line or an error message.
    secret_key: SecretStr | None = Field(default=None, repr=False)
    key_file: str | None = None
    node_key_file: str | None = None  # the node's Ed25519 key (checkpoints, list bundles)
    checkpoint_dir: str | None = None  # where `serve` writes signed checkpoints
    checkpoint_interval: float = Field(default=3600.0, ge=0, allow_inf_nan=False)  # seconds between them; 0: off
    text_retention: str = "P1Y"  # free text is kept this long after a subject's last counting day
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = Field(default="notices@xinyong.invalid", min_length=1)
    # Seconds between rounds of notices in `serve`; 0: off.
    notice_interval: float = Field(default=3600.0, ge=0, allow_inf_nan=False)
    # Requests a second per client address to the public lookup, and the burst allowed
    # at once ("RATE/BURST"; "0" is no limit): XINYONG_PUBLIC_RATE.
    public_rate: str = "10/60"
    # Server processes `xinyong serve` runs (`--workers`); the public rate is shared out
    # among them.
    workers: int = Field(default=1, ge=1, le=64)

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            problems = _explain(error)
        else:
            return
        # Raised outside the handler, so that nothing chains the validation error, which
        # holds the values read, the secret's among them.
        raise SettingsError(problems)

    @classmethod
    def from_environment(cls) -> Settings:
        """The settings of this process's environment, defaults for what is unset."""
        return cls()

    @field_validator("public_rate")
    @classmethod
    def _public_rate(cls, text: str) -> str:
        Rate.parse(text)
        return text

    @field_validator("text_retention")
    @classmethod
    def _text_retention(cls, text: str) -> str:
        Duration.parse(text)
        return text


def _explain(error: ValidationError) -> str:
    """One line a problem, ``XINYONG_NAME: what is wrong (got value)``. The value is
    shown unless the message already shows it, and never for a secret."""
    lines = []
    for each in error.errors():
        name = str(each["loc"][0]) if each["loc"] else ""
        values = each["type"] != "value_error" and name not in Settings.SECRETS
        for problem in field_problems([each], values=values):
            lines.append(f"{PREFIX}{name.upper()}: {str(problem).split(': ', 1)[1]}")
    return "; ".join(lines)


@dataclass(frozen=True)
class Rate:
    """``per_second`` requests a second, ``burst`` at once; a ``per_second`` of 0 is no limit."""

    per_second: float = 10.0
    burst: int = 60

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``RATE`` or ``RATE/BURST`` (``10``, ``10/60``, ``0.5/5``); ``0`` turns the limit off."""
        rate_text, _, burst_text = text.strip().partition("/")
        try:
            per_second = float(rate_text)
            burst = int(burst_text) if burst_text else max(1, math.ceil(per_second))
        except ValueError:
            raise ValueError(
                f"{text!r} is not a rate: write REQUESTS_PER_SECOND or REQUESTS_PER_SECOND/BURST, e.g. '10/60'"
            ) from None
        if not math.isfinite(per_second) or per_second < 0 or burst < 1:
            raise ValueError(f"{text!r} is not a rate: the rate must be 0 or more and the burst 1 or more")
        return cls(per_second, burst)

    @property
    def limited(self) -> bool:
        return self.per_second > 0

    def __str__(self) -> str:
        return f"{self.per_second:g}/{self.burst}" if self.limited else "0 (no limit)"
