"""The HTTP server ``xinyong serve`` runs: the API (:mod:`xinyong.entrypoints.api`)
and the web pages (:mod:`xinyong.entrypoints.web`) in one ASGI application, composed
here so that neither package imports the other."""

from __future__ import annotations

from fastapi import FastAPI

from xinyong.bootstrap import Deployment
from xinyong.entrypoints import web
from xinyong.entrypoints.api.app import MAX_BODY
from xinyong.entrypoints.api.app import create_app as create_api
from xinyong.settings import Settings


def create_app(deployment: Deployment, max_body: int = MAX_BODY, settings: Settings | None = None) -> FastAPI:
    """The API over ``deployment``, with the public pages, the portal and the console.
    ``settings`` (default: the deployment's own, read once where it was opened) set the
    public rate and the background rounds."""
    app = create_api(deployment, max_body=max_body, settings=settings)
    web.install(app)
    return app
