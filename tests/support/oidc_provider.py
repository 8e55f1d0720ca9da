"""A small but real OpenID Connect provider on loopback, for the suite.

It speaks HTTP on 127.0.0.1 (a port of its own) as any provider does: a discovery
document (``/.well-known/openid-configuration``), its public keys (``/jwks``, one RSA
key), ``/authorize`` (the authorization code flow; PKCE with S256 is required; the
user the test set in :attr:`Provider.user` is signed in at once, as if they had typed
their password) and ``/token`` (the client secret, the code, once, the redirect URI and
the PKCE verifier are checked; the ID token is signed with RS256).

On demand it misbehaves (:attr:`Provider.misbehave`), for the tests that the client
refuses it: ``wrong_issuer``, ``wrong_audience``, ``expired``, ``other_key`` (signed
with a key it does not publish, under the published key's id), ``wrong_nonce``,
``replayed_state`` (sends the browser back with the state of an earlier sign-in),
``plain_http_endpoint`` (its discovery document names a token endpoint elsewhere over
plain http)."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

MISBEHAVIOURS = (
    "wrong_issuer",
    "wrong_audience",
    "expired",
    "other_key",
    "wrong_nonce",
    "replayed_state",
    "plain_http_endpoint",
)
KEY_ID = "test-key-1"
T = TypeVar("T")


def _signing_key() -> RSAKey:
    return RSAKey.generate_key(2048, {"kid": KEY_ID, "use": "sig", "alg": "RS256"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@dataclass
class Grant:
    """An authorization code the provider handed out, and what it was given for."""

    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    claims: dict[str, Any]


@dataclass
class Provider:
    """The provider's state; tests set :attr:`user` and :attr:`misbehave`."""

    client_id: str = "xinyong-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    url: str = ""  # set when it listens: the issuer
    user: dict[str, Any] | None = None  # the claims of whoever signs in next; None: the user declines
    misbehave: str | None = None
    redirect_uris: list[str] = field(default_factory=list)  # allowed prefixes of redirect URIs
    key: RSAKey = field(default_factory=lambda: _signing_key())
    other_key: RSAKey = field(default_factory=lambda: _signing_key())  # never published
    codes: dict[str, Grant] = field(default_factory=dict)
    states: list[str] = field(default_factory=list)  # every state it was sent, in order
    token_requests: list[tuple[int, str]] = field(default_factory=list)  # (status, error or "") a request
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def issuer(self) -> str:
        return self.url

    def reset(self) -> None:
        with self.lock:
            self.user = None
            self.misbehave = None
            self.token_requests.clear()

    def metadata(self) -> dict[str, Any]:
        token_endpoint = f"{self.url}/token"
        if self.misbehave == "plain_http_endpoint":
            token_endpoint = "http://id.example.invalid/token"
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": token_endpoint,
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile"],
            "grant_types_supported": ["authorization_code"],
        }

    def id_token(self, grant: Grant, access_token: str) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "at_hash": _b64(hashlib.sha256(access_token.encode()).digest()[:16]),
            **grant.claims,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        key = self.key
        match self.misbehave:
            case "wrong_issuer":
                claims["iss"] = self.issuer + "/elsewhere"
            case "wrong_audience":
                claims["aud"] = "another-client"
            case "expired":
                claims["iat"], claims["exp"] = now - 3600, now - 1800
            case "other_key":
                key = self.other_key
            case "wrong_nonce":
                claims["nonce"] = secrets.token_urlsafe(16)
        return jwt.encode({"alg": "RS256", "kid": self.key.kid, "typ": "JWT"}, claims, key)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode() if isinstance(body, dict) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if isinstance(body, dict) else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, uri: str, **params: str) -> None:
        separator = "&" if "?" in uri else "?"
        self.send_response(302)
        self.send_header("Location", uri + separator + urlencode(params))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        provider = self.server.provider
        parts = urlsplit(self.path)
        if parts.path == "/.well-known/openid-configuration":
            self._send(200, provider.metadata())
        elif parts.path == "/jwks":
            self._send(200, {"keys": [provider.key.as_dict(private=False)]})
        elif parts.path == "/authorize":
            self._authorize({k: v[-1] for k, v in parse_qs(parts.query).items()})
        else:
            self._send(404, "not found")

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/token":
            self._send(404, "not found")
            return
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        status, body = self._token(form)
        with self.server.provider.lock:
            self.server.provider.token_requests.append((status, body.get("error", "")))
        self._send(status, body)

    def _authorize(self, query: dict[str, str]) -> None:
        provider = self.server.provider
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != provider.client_id or not any(
            redirect_uri.startswith(p) for p in provider.redirect_uris
        ):
            self._send(400, "unknown client or redirect URI")  # never redirect to an unknown address
            return
        state = query.get("state", "")
        if query.get("response_type") != "code":
            self._redirect(redirect_uri, error="unsupported_response_type", state=state)
            return
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            self._redirect(redirect_uri, error="invalid_request", state=state)
            return
        if "openid" not in query.get("scope", "").split():
            self._redirect(redirect_uri, error="invalid_scope", state=state)
            return
        with provider.lock:
            earlier = provider.states[-1] if provider.states else None
            provider.states.append(state)
            if provider.user is None:
                code = None
            else:
                code = secrets.token_urlsafe(24)
                provider.codes[code] = Grant(
                    provider.client_id, redirect_uri, query["code_challenge"], query.get("nonce"), dict(provider.user)
                )
            if provider.misbehave == "replayed_state" and earlier is not None:
                state = earlier
        if code is None:
            self._redirect(redirect_uri, error="access_denied", state=state)
        else:
            self._redirect(redirect_uri, code=code, state=state)

    def _token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        provider = self.server.provider
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        if client_id != provider.client_id or secret != provider.client_secret:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with provider.lock:
            grant = provider.codes.pop(form.get("code", ""), None)  # a code is good once
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        if not verifier or _b64(hashlib.sha256(verifier.encode()).digest()) != grant.challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        access_token = secrets.token_urlsafe(32)
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": provider.id_token(grant, access_token),
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, provider: Provider):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.provider = provider


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Await ``coroutine`` on an event loop of its own, in a thread of its own: the
    browser tests leave Playwright's loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@contextmanager
def running(provider: Provider | None = None) -> Iterator[Provider]:
    """The provider listening on a loopback port of its own until the block ends."""
    provider = provider or Provider()
    server = _Server(provider)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
