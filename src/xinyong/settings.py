"""Settings read from the environment: every variable has the prefix ``XINYONG_``."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    db: str = "xinyong.db"
    secret_key: str | None = None
    key_file: str | None = None

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            db=os.environ.get("XINYONG_DB") or "xinyong.db",
            secret_key=os.environ.get("XINYONG_SECRET_KEY") or None,
            key_file=os.environ.get("XINYONG_KEY_FILE") or None,
        )
