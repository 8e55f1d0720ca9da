"""The HTTP server ``xinyong serve`` runs: the API (:mod:`xinyong.entrypoints.api`)
and the web pages (:mod:`xinyong.entrypoints.web`) in one ASGI application, composed
here so that neither package imports the other.

With ``--workers N`` each of the N server processes makes its own application with
:func:`from_environment`: its own deployment (database engine and connections, opened
after the process started), its own group-commit writer of the access log and its own
memory of tokens. What must hold across processes lives in the database: the ledger
and its write lock, idempotency keys, the rounds lock (:mod:`xinyong.adapters.storage.rounds`)."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from xinyong.bootstrap import Deployment, open_deployment
from xinyong.entrypoints import web
from xinyong.entrypoints.api.app import MAX_BODY
from xinyong.entrypoints.api.app import create_app as create_api
from xinyong.settings import Settings

# As `xinyong serve` configures logging in every server process.
LOG_FORMAT = "%(asctime)s %(name)s %(message)s"


def create_app(
    deployment: Deployment,
    max_body: int = MAX_BODY,
    settings: Settings | None = None,
    *,
    owns_deployment: bool = False,
) -> FastAPI:
    """The API over ``deployment``, with the public pages, the portal and the console.
    ``settings`` (default: the deployment's own, read once where it was opened) set the
    public rate and the background rounds. With ``owns_deployment`` the deployment is
    closed when the application shuts down."""
    app = create_api(deployment, max_body=max_body, settings=settings, owns_deployment=owns_deployment)
    web.install(app)
    return app


def from_environment() -> FastAPI:
    """The application of one server process of ``xinyong serve --workers N`` (uvicorn's
    application factory): the deployment opened in this process from the ``XINYONG_``
    settings that ``serve`` handed down (the database among them), closed at shutdown."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    settings = Settings.from_environment()
    deployment = open_deployment(settings.db, settings)
    try:
        return create_app(deployment, settings=settings, owns_deployment=True)
    except BaseException:
        deployment.close()
        raise
