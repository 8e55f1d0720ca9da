"""The web pages: the public lookup, the resident portal and the officer console,
rendered on the server (Jinja2, with htmx for convenience) in Chinese and English."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Add the pages and their static files to the service ``app``."""
    from xinyong.entrypoints.web.dashboards import Dashboards
    from xinyong.entrypoints.web.errors import BrowserErrors
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

    # Where browsers look for an icon when a page does not name one (the pages do).
    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        icon = STATIC / "favicon.svg"
        return FileResponse(icon, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    # Outermost: it sees the problems of every part, the failures the API's middleware answers included.
    app.add_middleware(BrowserErrors)
