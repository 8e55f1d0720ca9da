"""The web pages: the public lookup, the resident portal and the officer console,
rendered on the server (Jinja2, with htmx for convenience) in Chinese and English."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Add the pages and their static files to the service ``app``."""
    from xinyong.entrypoints.web.dashboards import Dashboards
    from xinyong.entrypoints.web.routers import console, portal, public
    from xinyong.entrypoints.web.sessions import Sessions, TokenSignIn

    deployment = app.state.deployment
    # Bound to the deployment's secret key, so that forms survive a restart.
    csrf_key = hashlib.sha256(deployment.store.sealer.lookup_key("xinyong.web.csrf").encode()).digest()
    app.state.sessions = Sessions(TokenSignIn(deployment), csrf_key)
    app.state.dashboards = Dashboards()
    for router in (public.router, portal.router, console.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
