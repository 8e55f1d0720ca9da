"""Settings read from the environment: every variable has the prefix ``XINYONG_``."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    db: str = "xinyong.db"
    secret_key: str | None = None
    key_file: str | None = None
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
            smtp_host=os.environ.get("XINYONG_SMTP_HOST") or None,
            smtp_port=int(os.environ.get("XINYONG_SMTP_PORT") or 25),
            smtp_from=os.environ.get("XINYONG_SMTP_FROM") or "notices@xinyong.invalid",
            notice_interval=float(os.environ.get("XINYONG_NOTICE_INTERVAL") or 3600),
            public_rate=_public_rate(os.environ.get("XINYONG_PUBLIC_RATE") or "10/60"),
        )


def _public_rate(text: str) -> str:
    from xinyong.service.rate import Rate

    try:
        Rate.parse(text)
    except ValueError as error:
        raise ValueError(f"XINYONG_PUBLIC_RATE: {error}") from None
    return text
