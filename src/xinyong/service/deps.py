"""Request dependencies: the deployment, the reader behind a bearer token, and common
parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from xinyong.access import Reader
from xinyong.bootstrap import Deployment
from xinyong.identifiers import InvalidIdentifier, SubjectRef
from xinyong.service.problems import Problem, forbidden, unauthenticated

bearer = HTTPBearer(auto_error=False, description="A token from `xinyong token create`.")


def deployment(request: Request) -> Deployment:
    return request.app.state.deployment


def reader(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> Reader:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthenticated("send 'Authorization: Bearer TOKEN'")
    found = request.app.state.deployment.tokens.reader(credentials.credentials)
    if found is None:
        raise unauthenticated("the token is unknown or revoked")
    return found


def role(*roles: str) -> Callable[..., Reader]:
    """A dependency that admits only readers of ``roles``."""

    def admit(who: Reader = Depends(reader)) -> Reader:
        if who.role not in roles:
            raise forbidden(f"a {who.role} token cannot do this; it takes a {' or '.join(roles)} token")
        return who

    return admit


def subject_ref(text: str, field: str = "subject") -> SubjectRef:
    try:
        return SubjectRef.parse(text)
    except InvalidIdentifier as error:
        raise Problem(
            422, "invalid-identifier", "Invalid subject identifier", str(error),
            errors=[{"field": field, "message": str(error)}],
        ) from None


def today() -> dt.date:
    return dt.date.today()


async def json_body(request: Request) -> object:
    """The request body decoded as JSON, or a 400 problem saying where it breaks."""
    import json

    raw = await request.body()
    if not raw.strip():
        raise Problem(400, "malformed-json", "The request body is not valid JSON", "the body is empty")
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise Problem(400, "malformed-json", "The request body is not valid JSON", str(error)) from None
    except RecursionError:
        raise Problem(400, "malformed-json", "The request body is not valid JSON",
                      "the body is nested too deeply") from None
