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
    from xinyong.entrypoints.web.oidc import OidcConfig, OidcSignIn
    from xinyong.entrypoints.web.routers import console, portal, public, signin
    from xinyong.entrypoints.web.sessions import Sessions, TokenSignIn

    deployment = app.state.deployment
    # Bound to the deployment's secret key, so that forms survive a restart.
    csrf_key = hashlib.sha256(deployment.store.sealer.lookup_key("xinyong.web.csrf").encode()).digest()
    oidc_config = OidcConfig.from_settings(deployment.settings)
    oidc = None
    if oidc_config is not None:
        # Sessions through the provider are sealed under the deployment's secret key.
        oidc = OidcSignIn(oidc_config, deployment.store.sealer.derived("xinyong.web.oidc"))
    app.state.sessions = Sessions(TokenSignIn(deployment), csrf_key, oidc)
    app.state.dashboards = Dashboards()
    routers = (public.router, portal.router, console.router)
    for router in (*routers, signin.router) if oidc is not None else routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
