"""Settings read from the environment: every variable has the prefix ``XINYONG_``."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    db: str = "xinyong.db"
    # Never in a repr, a log line or an error message.
    secret_key: str | None = field(default=None, repr=False)
    key_file: str | None = None
    node_key_file: str | None = None  # the node's Ed25519 key (checkpoints, list bundles)
    checkpoint_dir: str | None = None  # where `serve` writes signed checkpoints
    checkpoint_interval: float = 3600.0  # seconds between them; 0: off
    text_retention: str = "P1Y"  # free text is kept this long after a subject's last counting day
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "notices@xinyong.invalid"
    notice_interval: float = 3600.0  # seconds between rounds of notices in `serve`; 0: off
    # Requests a second per client address to the public lookup, and the burst allowed
    # at once ("RATE/BURST"; "0" is no limit): XINYONG_PUBLIC_RATE.
    public_rate: str = "10/60"

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            db=os.environ.get("XINYONG_DB") or "xinyong.db",
            secret_key=os.environ.get("XINYONG_SECRET_KEY") or None,
            key_file=os.environ.get("XINYONG_KEY_FILE") or None,
            node_key_file=os.environ.get("XINYONG_NODE_KEY_FILE") or None,
            checkpoint_dir=os.environ.get("XINYONG_CHECKPOINT_DIR") or None,
            checkpoint_interval=float(os.environ.get("XINYONG_CHECKPOINT_INTERVAL") or 3600),
            text_retention=os.environ.get("XINYONG_TEXT_RETENTION") or "P1Y",
            smtp_host=os.environ.get("XINYONG_SMTP_HOST") or None,
            smtp_port=int(os.environ.get("XINYONG_SMTP_PORT") or 25),
            smtp_from=os.environ.get("XINYONG_SMTP_FROM") or "notices@xinyong.invalid",
            notice_interval=float(os.environ.get("XINYONG_NOTICE_INTERVAL") or 3600),
            public_rate=_public_rate(os.environ.get("XINYONG_PUBLIC_RATE") or "10/60"),
        )


def _public_rate(text: str) -> str:
    try:
        Rate.parse(text)
    except ValueError as error:
        raise ValueError(f"XINYONG_PUBLIC_RATE: {error}") from None
    return text


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
