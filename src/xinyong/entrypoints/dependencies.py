"""What every HTTP entrypoint (the API and the web pages) takes from a request: the
deployment it serves, the day it answers for, and the public lookup's rate per client.

Shared here so that neither :mod:`xinyong.entrypoints.api` nor
:mod:`xinyong.entrypoints.web` imports the other."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Request

from xinyong.bootstrap import Deployment
from xinyong.domain import calendar


async def deployment(request: Request) -> Deployment:
    """The deployment the application was created over (async: no thread for a lookup)."""
    return request.app.state.deployment


def today() -> dt.date:
    """The day a request is answered for (:func:`xinyong.domain.calendar.today`)."""
    return calendar.today()


def public_wait(request: Request) -> float | None:
    """Take one public request from the client's bucket (``app.state.public_limiter``,
    shared by the public API and the public pages): ``None``, or the seconds to wait."""
    wait: float | None = public_quota(request).wait
    return wait


def public_quota(request: Request) -> Any:
    """Take one public request from the client's bucket, and what is left of it (a
    :class:`xinyong.entrypoints.api.rate.Quota`, not imported here: the web pages share
    this module)."""
    client = request.client.host if request.client is not None else "unknown"
    return request.app.state.public_limiter.take_quota(client)


async def _today() -> dt.date:
    return today()


DeploymentDep = Annotated[Deployment, Depends(deployment)]
Today = Annotated[dt.date, Depends(_today)]
