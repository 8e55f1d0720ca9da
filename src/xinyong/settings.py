"""Settings read from the environment: every variable has the prefix ``XINYONG_``.

Read once, where the process starts (:meth:`Settings.from_environment`), and passed
down. A value that does not fit is refused with the variable's name; the secret key is
never shown, in a repr, a log line or an error."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
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
    SECRETS: ClassVar[frozenset[str]] = frozenset({"secret_key", "oidc_client_secret", "node_tokens"})

    db: str = Field(default="xinyong.db", min_length=1, description="a SQLite path or a database URL")
    # Never in a repr, a log line or an error message.
    secret_key: SecretStr | None = Field(default=None, repr=False)
    key_file: str | None = None
    node_key_file: str | None = None  # the node's Ed25519 key (checkpoints, list bundles)
    checkpoint_dir: str | None = None  # where `serve` writes signed checkpoints
    checkpoint_interval: float = Field(default=3600.0, ge=0, allow_inf_nan=False)  # seconds between them; 0: off
    # Partner nodes' lists pulled by `serve` (docs/design.md section 10): the node tokens
    # each partner made for this node, "NAME=TOKEN,NAME=TOKEN"; the seconds between pulls.
    node_tokens: SecretStr | None = Field(default=None, repr=False)
    pull_interval: float = Field(default=3600.0, ge=0, allow_inf_nan=False)
    text_retention: str = "P1Y"  # free text is kept this long after a subject's last counting day
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = Field(default="notices@xinyong.invalid", min_length=1)
    # Seconds between rounds of notices in `serve`; 0: off.
    notice_interval: float = Field(default=3600.0, ge=0, allow_inf_nan=False)
    # Seconds a check waits for the database's write lock to log its answer, when
    # another writer (an import) holds it: past it the check is answered 503 at once,
    # with nothing logged, rather than once the import ends.
    check_lock_wait: float = Field(default=5.0, gt=0, le=3600, allow_inf_nan=False)
    # Requests a second per client address to the public lookup, and the burst allowed
    # at once ("RATE/BURST"; "0" is no limit): XINYONG_PUBLIC_RATE.
    public_rate: str = "10/60"
    # Hosts a webhook receiver may be reached on by plain http, separated by commas
    # (tests on loopback: "127.0.0.1,localhost"); every other receiver is https, and a
    # host written as a loopback or private address is refused unless named here.
    webhook_http_hosts: str = ""
    # Seconds between rounds of webhook deliveries in `serve`; 0: off.
    webhook_interval: float = Field(default=2.0, ge=0, allow_inf_nan=False)
    # Server processes `xinyong serve` runs (`--workers`); the public rate is shared out
    # among them.
    workers: int = Field(default=1, ge=1, le=64)
    # Sign-in to the portal and the console through an OpenID Connect provider: on when
    # the issuer and the client id are both set (README, "Signing in with a provider").
    oidc_issuer: str | None = None  # the provider's issuer URL, as its discovery document states it
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = Field(default=None, repr=False)  # none: a public client (PKCE alone)
    # The public address of this server, where the provider sends the browser back
    # (BASE/portal/sign-in/oidc/callback, BASE/console/sign-in/oidc/callback); by
    # default the address the browser used.
    oidc_redirect_base: str | None = None
    oidc_scopes: str = Field(default="openid profile", min_length=1)
    oidc_provider_name: str | None = None  # on the button ("Sign in with NAME"); by default the issuer's host
    # The claim that carries a resident's identity number or an organisation's unified
    # credit code ("rid:..." / "uscc:...", or the bare number or code).
    oidc_subject_claim: str = Field(default="xinyong_subject", min_length=1)
    # An officer is an identity whose OIDC_OFFICER_CLAIM (a list, or words separated by
    # spaces or commas) holds OIDC_OFFICER_VALUE; named in the access log by OIDC_NAME_CLAIM.
    oidc_officer_claim: str = Field(default="groups", min_length=1)
    oidc_officer_value: str = Field(default="xinyong-officers", min_length=1)
    oidc_name_claim: str = Field(default="preferred_username", min_length=1)

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

    def partner_tokens(self) -> dict[str, str]:
        """XINYONG_NODE_TOKENS by partner name."""
        text = self.node_tokens.get_secret_value() if self.node_tokens else ""
        return dict(part.strip().split("=", 1) for part in text.split(",") if part.strip())

    @field_validator("node_tokens")
    @classmethod
    def _node_tokens(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            for part in value.get_secret_value().split(","):
                name, equals, token = part.strip().partition("=")
                if part.strip() and not (name and equals and token):
                    raise ValueError("each partner's token is NAME=TOKEN, separated by commas")
        return value

    @field_validator("public_rate")
    @classmethod
    def _public_rate(cls, text: str) -> str:
        Rate.parse(text)
        return text

    @field_validator("oidc_issuer", "oidc_redirect_base")
    @classmethod
    def _web_address(cls, text: str | None) -> str | None:
        if text is None:
            return None
        if not _secure_address(text):
            raise ValueError(
                f"{text!r} is not an https:// address (plain http:// only on this machine: localhost, 127.0.0.1)"
            )
        return text

    @field_validator("oidc_redirect_base")
    @classmethod
    def _redirect_base(cls, text: str | None) -> str | None:
        return text.rstrip("/") if text else text

    @model_validator(mode="after")
    def _oidc_complete(self) -> Settings:
        if (self.oidc_issuer is None) != (self.oidc_client_id is None):
            raise ValueError(
                "XINYONG_OIDC_ISSUER and XINYONG_OIDC_CLIENT_ID go together: set both for sign-in "
                "through a provider, or neither"
            )
        return self

    @property
    def webhook_http_host_names(self) -> tuple[str, ...]:
        return tuple(h.strip() for h in self.webhook_http_hosts.split(",") if h.strip())

    @property
    def oidc(self) -> bool:
        """Whether sign-in through an OpenID Connect provider is configured."""
        return self.oidc_issuer is not None and self.oidc_client_id is not None

    @field_validator("text_retention")
    @classmethod
    def _text_retention(cls, text: str) -> str:
        Duration.parse(text)
        return text


def _secure_address(text: str) -> bool:
    """An https:// URL, or an http:// one on the loopback interface (a provider under test)."""
    parts = urlsplit(text)
    if not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1"))


def _explain(error: ValidationError) -> str:
    """One line a problem, ``XINYONG_NAME: what is wrong (got value)``. The value is
    shown unless the message already shows it, and never for a secret."""
    lines = []
    for each in error.errors():
        name = str(each["loc"][0]) if each["loc"] else ""
        values = each["type"] != "value_error" and name not in Settings.SECRETS
        for problem in field_problems([each], values=values):
            said = str(problem).split(": ", 1)[1]
            # A problem of several variables together names them itself.
            lines.append(f"{PREFIX}{name.upper()}: {said}" if name else said)
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
