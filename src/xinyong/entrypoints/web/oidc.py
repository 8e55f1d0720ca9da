"""Sign-in to the portal and the console through an OpenID Connect provider.

The authorization code flow with PKCE (S256), built on Authlib: the browser goes to the
provider's authorization endpoint with a fresh ``state``, ``nonce`` and code challenge,
kept meanwhile in a sealed cookie of the area (:class:`Pending`); the provider sends it
back with a code, which this server exchanges at the token endpoint (with the client
secret, when there is one, and the code verifier). The ID token in the answer is
believed only when its signature verifies against the provider's published keys (JWKS,
found through ``/.well-known/openid-configuration``), its issuer is the configured one,
its audience holds this client, it has not expired and its nonce is the one sent.

The identity is then mapped to a reader (:func:`reader_for`): in the portal, a resident
or an organisation named by a claim carrying the identity number or credit code; in the
console, an officer, by membership of a configured group, named in the access log by
their user name. A session opened this way is a sealed cookie that holds the reader
until it expires (:data:`xinyong.entrypoints.web.sessions.SESSION_SECONDS`); signing out
removes it. Identity numbers appear in no log line and in no cookie in the clear."""

from __future__ import annotations

import base64
import functools
import json
import logging
import secrets
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import certifi
import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from xinyong.domain.access import Reader
from xinyong.domain.identifiers import InvalidIdentifier, SubjectRef
from xinyong.entrypoints.web.sessions import OIDC_SESSION, SESSION_SECONDS, Area, SignInRefused
from xinyong.settings import Settings

log = logging.getLogger(__name__)

# How long the browser may take at the provider before the sign-in must start again.
PENDING_SECONDS = 600
# How long the provider's discovery document and keys are believed before asked again.
METADATA_SECONDS = 3600
# Seconds of difference between this server's clock and the provider's tolerated.
LEEWAY = 60
HTTP_TIMEOUT = 10.0


@dataclass(frozen=True)
class ClaimMapping:
    """Which claims of an ID token make a reader (settings ``XINYONG_OIDC_*_CLAIM``)."""

    subject_claim: str = "xinyong_subject"
    officer_claim: str = "groups"
    officer_value: str = "xinyong-officers"
    name_claim: str = "preferred_username"


@dataclass(frozen=True)
class OidcConfig:
    """The provider and this client, from the ``XINYONG_OIDC_*`` settings."""

    issuer: str
    client_id: str
    client_secret: str | None
    redirect_base: str | None
    scopes: str
    provider_name: str
    mapping: ClaimMapping

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcConfig | None:
        """The configuration, or None when sign-in through a provider is off."""
        if settings.oidc_issuer is None or settings.oidc_client_id is None:
            return None
        secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
        scopes = settings.oidc_scopes.split()
        if "openid" not in scopes:
            scopes.insert(0, "openid")
        return cls(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=secret,
            redirect_base=settings.oidc_redirect_base,
            scopes=" ".join(scopes),
            provider_name=settings.oidc_provider_name or urlsplit(settings.oidc_issuer).hostname or "OpenID Connect",
            mapping=ClaimMapping(
                subject_claim=settings.oidc_subject_claim,
                officer_claim=settings.oidc_officer_claim,
                officer_value=settings.oidc_officer_value,
                name_claim=settings.oidc_name_claim,
            ),
        )


# --------------------------------------------------------------------- the mapping


def _subject(value: Any) -> SubjectRef | None:
    """``rid:NUMBER``, ``uscc:CODE``, or the bare number or code; None for anything else."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    candidates = [text] if ":" in text else [f"rid:{text.upper()}", f"uscc:{text.upper()}"]
    for candidate in candidates:
        try:
            return SubjectRef.parse(candidate)
        except InvalidIdentifier:
            continue
    return None


def _members(value: Any) -> set[str]:
    """A group claim as a set: a list of names, or names separated by spaces or commas."""
    if isinstance(value, str):
        return set(value.replace(",", " ").split())
    if isinstance(value, list | tuple):
        return {v for v in value if isinstance(v, str)}
    return set()


def reader_for(claims: Mapping[str, Any], area: Area, mapping: ClaimMapping, session_id: str) -> Reader:
    """The reader a verified identity stands for in ``area``: in the portal, the subject
    its ``subject_claim`` names (only that subject's file); in the console, an officer
    when its ``officer_claim`` holds ``officer_value``, named by ``name_claim`` (else
    ``name``). Raises :class:`SignInRefused` (``signin.error.oidc.<area>``) when the
    identity maps to nothing there."""
    if area.role == "subject":
        subject = _subject(claims.get(mapping.subject_claim))
        if subject is None:
            raise SignInRefused(f"signin.error.oidc.{area.name}")
        # Named by the session, never by the identity number: the name goes to logs.
        return Reader(name=f"subject-{session_id}", role="subject", token_id=session_id, subject=subject)
    if area.role == "officer":
        if mapping.officer_value not in _members(claims.get(mapping.officer_claim)):
            raise SignInRefused(f"signin.error.oidc.{area.name}")
        name = next(
            (
                v.strip()
                for v in (claims.get(mapping.name_claim), claims.get("name"))
                if isinstance(v, str) and v.strip()
            ),
            None,
        )
        if name is None:
            raise SignInRefused("signin.error.oidc.unnamed")
        return Reader(name=name[:200], role="officer", token_id=session_id)
    raise SignInRefused(f"signin.error.oidc.{area.name}")


# ------------------------------------------------------------------------ sealing


class _Seal:
    """Authenticated encryption of small JSON values for cookies (AES-GCM under a key
    derived from the deployment's secret key), bound to a purpose."""

    def __init__(self, key: bytes):
        self._aead = AESGCM(key)

    def seal(self, value: Mapping[str, Any], purpose: str) -> str:
        nonce = secrets.token_bytes(12)
        blob = nonce + self._aead.encrypt(nonce, json.dumps(value, separators=(",", ":")).encode(), purpose.encode())
        return base64.urlsafe_b64encode(blob).decode().rstrip("=")

    def open(self, text: str, purpose: str) -> dict[str, Any] | None:
        try:
            blob = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            value = json.loads(self._aead.decrypt(blob[:12], blob[12:], purpose.encode()))
        except (ValueError, InvalidTag):
            return None
        return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Pending:
    """A sign-in on its way through the provider: what the callback must find again."""

    area: str
    state: str
    nonce: str
    verifier: str
    next_page: str
    started: float

    def expired(self, now: float) -> bool:
        return not (self.started <= now + LEEWAY and now - self.started < PENDING_SECONDS)


# ------------------------------------------------------------------- the provider


@functools.cache
def _tls() -> ssl.SSLContext:
    """The certificates httpx trusts, loaded once (loading them is most of a client's cost)."""
    return ssl.create_default_context(cafile=certifi.where())


def _secure(url: str) -> bool:
    """An https:// address, or http:// on this machine (a provider under test), as the
    issuer must be (:mod:`xinyong.settings`)."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1"))


def _http() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=HTTP_TIMEOUT, follow_redirects=False, verify=_tls())


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered with something that is not OpenID Connect."""


class OidcSignIn:
    """Sign-in through one OpenID Connect provider, for both areas."""

    def __init__(self, config: OidcConfig, key: bytes, clock=time.time):
        self.config = config
        self._seal = _Seal(key)
        self._clock = clock
        self._metadata: tuple[dict[str, Any], float] | None = None
        self._keys: tuple[KeySet, float] | None = None

    @property
    def provider_name(self) -> str:
        return self.config.provider_name

    # --------------------------------------------------------------- the provider

    async def _get(self, url: str) -> dict[str, Any]:
        try:
            async with _http() as client:
                response = await client.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            value = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnavailable(f"{url}: {error}") from None
        if not isinstance(value, dict):
            raise ProviderUnavailable(f"{url}: not a JSON object")
        return value

    async def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (cached for :data:`METADATA_SECONDS`)."""
        now = self._clock()
        if self._metadata is not None and now - self._metadata[1] < METADATA_SECONDS:
            return self._metadata[0]
        url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = await self._get(url)
        # OpenID Connect Discovery 1.0, section 4.3: the document names the issuer asked.
        if document.get("issuer") != self.config.issuer:
            raise ProviderUnavailable(f"{url} names the issuer {document.get('issuer')!r}")
        for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(endpoint), str):
                raise ProviderUnavailable(f"{url} has no {endpoint}")
            if not _secure(document[endpoint]):
                raise ProviderUnavailable(f"{url}: the {endpoint} is not an https:// address")
        self._metadata = (document, now)
        return document

    async def keys(self, *, again: bool = False) -> KeySet:
        """The provider's signing keys (cached; ``again`` reads them anew)."""
        now = self._clock()
        if not again and self._keys is not None and now - self._keys[1] < METADATA_SECONDS:
            return self._keys[0]
        document = await self._get((await self.metadata())["jwks_uri"])
        try:
            keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, ValueError, KeyError, TypeError) as error:
            raise ProviderUnavailable(f"the provider's keys cannot be read: {error}") from None
        self._keys = (keys, now)
        return keys

    def redirect_uri(self, base_url: str, area: Area) -> str:
        base = self.config.redirect_base or base_url.rstrip("/")
        return f"{base}{area.path}/sign-in/oidc/callback"

    # ----------------------------------------------------------------- the flow

    async def begin(self, area: Area, base_url: str, next_page: str) -> tuple[str, str]:
        """Where to send the browser, and the sealed :class:`Pending` for its cookie."""
        metadata = await self.metadata()
        pending = Pending(
            area=area.name,
            state=generate_token(32),
            nonce=generate_token(32),
            verifier=generate_token(64),
            next_page=next_page,
            started=self._clock(),
        )
        url = prepare_grant_uri(
            metadata["authorization_endpoint"],
            client_id=self.config.client_id,
            response_type="code",
            redirect_uri=self.redirect_uri(base_url, area),
            scope=self.config.scopes,
            state=pending.state,
            nonce=pending.nonce,
            code_challenge=create_s256_code_challenge(pending.verifier),
            code_challenge_method="S256",
        )
        return url, self._seal.seal(pending.__dict__, f"pending:{area.name}")

    def pending(self, sealed: str | None, area: Area) -> Pending | None:
        """The sign-in a cookie says is under way in ``area``; None when there is none,
        it was tampered with, or it is too old."""
        if not sealed:
            return None
        value = self._seal.open(sealed, f"pending:{area.name}")
        if value is None:
            return None
        try:
            pending = Pending(**value)
        except TypeError:
            return None
        if pending.area != area.name or pending.expired(self._clock()):
            return None
        return pending

    async def finish(self, area: Area, base_url: str, pending: Pending, code: str) -> Reader:
        """Exchange ``code`` for tokens, verify the ID token and map it to a reader.
        Raises :class:`SignInRefused` or :class:`ProviderUnavailable`."""
        metadata = await self.metadata()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri(base_url, area),
            "code_verifier": pending.verifier,
        }
        auth: httpx.Auth | tuple[str | bytes, str | bytes] = httpx.Auth()  # none
        if self.config.client_secret is None:
            form["client_id"] = self.config.client_id
        elif "client_secret_basic" in metadata.get("token_endpoint_auth_methods_supported", ["client_secret_basic"]):
            auth = (self.config.client_id, self.config.client_secret)
        else:
            form.update(client_id=self.config.client_id, client_secret=self.config.client_secret)
        try:
            async with _http() as client:
                response = await client.post(
                    metadata["token_endpoint"], data=form, auth=auth, headers={"Accept": "application/json"}
                )
            answer = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnavailable(f"the token endpoint: {error}") from None
        if response.status_code != 200 or not isinstance(answer, dict) or not isinstance(answer.get("id_token"), str):
            said = answer.get("error") if isinstance(answer, dict) else None
            log.warning(
                "sign-in through %s refused: the token endpoint answered %s %s",
                self.config.issuer,
                response.status_code,
                said,
            )
            raise SignInRefused("signin.error.oidc.failed")
        claims = await self.verify(answer["id_token"], pending.nonce, answer.get("access_token"))
        return reader_for(claims, area, self.config.mapping, "oidc" + secrets.token_hex(4))

    async def verify(self, id_token: str, nonce: str, access_token: Any = None) -> dict[str, Any]:
        """The claims of ``id_token`` once its signature, issuer, audience, expiry and
        nonce are checked; raises :class:`SignInRefused` otherwise."""
        metadata = await self.metadata()
        algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        # Never "none", and never a keyed hash (the client secret is not a signing key here).
        algorithms = [a for a in algorithms if isinstance(a, str) and a != "none" and not a.startswith("HS")]
        algorithms = algorithms or ["RS256"]
        registry = JWSRegistry(algorithms=algorithms)
        try:
            try:
                token = jwt.decode(id_token, await self.keys(), registry=registry)
            except InvalidKeyIdError:  # the provider may have rotated its keys
                token = jwt.decode(id_token, await self.keys(again=True), registry=registry)
            params: dict[str, Any] = {"nonce": nonce, "client_id": self.config.client_id}
            if isinstance(access_token, str):
                params["access_token"] = access_token
            options: dict[str, Any] = {
                "iss": {"essential": True, "value": self.config.issuer},
                "aud": {"essential": True, "value": self.config.client_id},
                "sub": {"essential": True},
                "exp": {"essential": True},
                "nonce": {"essential": True},
            }
            claims = CodeIDToken(token.claims, token.header, options, params)
            claims.validate(now=int(self._clock()), leeway=LEEWAY)
        except (JoseError, ValueError) as error:
            # The kind of failure only: claim values (an identity number) stay out of logs.
            log.warning(
                "sign-in through %s refused: the ID token is not believed (%s)",
                self.config.issuer,
                str(error) if isinstance(error, JoseError) else type(error).__name__,
            )
            raise SignInRefused("signin.error.oidc.failed") from None
        return dict(claims)

    # ---------------------------------------------------------------- sessions

    def session(self, reader: Reader) -> str:
        """The session cookie's value for ``reader``."""
        value = {
            "name": reader.name,
            "role": reader.role,
            "id": reader.token_id,
            "subject": str(reader.subject) if reader.subject else None,
            "until": int(self._clock()) + SESSION_SECONDS,
        }
        return OIDC_SESSION + self._seal.seal(value, "session")

    def reader(self, session: str) -> Reader | None:
        """Who a session cookie opened through the provider stands for; None when it is
        not one, was tampered with, or has expired."""
        if not session.startswith(OIDC_SESSION):
            return None
        value = self._seal.open(session[len(OIDC_SESSION) :], "session")
        if value is None or not isinstance(value.get("until"), int) or value["until"] <= self._clock():
            return None
        try:
            subject = SubjectRef.parse(value["subject"]) if value.get("subject") else None
            return Reader(name=str(value["name"]), role=str(value["role"]), token_id=value.get("id"), subject=subject)
        except (KeyError, InvalidIdentifier):
            return None
