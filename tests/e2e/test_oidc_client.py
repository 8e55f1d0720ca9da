"""The OpenID Connect client of the web pages against the suite's loopback provider,
over HTTP and without a browser: the code is exchanged only with its PKCE verifier and
only once, keys the provider rotates are fetched again, and a provider that does not
answer, whose discovery document names another issuer or sends the client elsewhere
over plain http, is reported as unavailable."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc.jwk import RSAKey

from tests.support import oidc_provider
from tests.support import server as serving
from tests.support.identifiers import resident_number
from tests.support.oidc_provider import run
from tests.support.ports import free_port
from xinyong.entrypoints.web.oidc import ClaimMapping, OidcConfig, OidcSignIn, Pending, ProviderUnavailable
from xinyong.entrypoints.web.sessions import CONSOLE, PORTAL, Area, SignInRefused

pytestmark = [pytest.mark.e2e, pytest.mark.backend_independent]

BASE = "http://127.0.0.1:8000/"
RID = resident_number("11010519800101001")


@pytest.fixture(scope="module")
def running_provider() -> Iterator[oidc_provider.Provider]:
    with oidc_provider.running() as running:
        running.redirect_uris.append(BASE)
        yield running


@pytest.fixture
def provider(running_provider: oidc_provider.Provider) -> Iterator[oidc_provider.Provider]:
    key = running_provider.key
    running_provider.reset()
    yield running_provider
    running_provider.key = key


def client(provider: oidc_provider.Provider, issuer: str | None = None) -> OidcSignIn:
    config = OidcConfig(
        issuer or provider.issuer, provider.client_id, provider.client_secret, None, "openid", "ID", ClaimMapping()
    )
    return OidcSignIn(config, b"k" * 32)


def refusal(finishing) -> str:
    with pytest.raises(SignInRefused) as refused:
        run(finishing)
    return refused.value.reason


def authorize(oidc: OidcSignIn, area: Area) -> tuple[Pending, dict[str, str]]:
    """Start a sign-in and follow the browser to the provider: the pending sign-in and
    the parameters the provider sends it back with."""
    url, sealed = run(oidc.begin(area, BASE, area.path))
    pending = oidc.pending(sealed, area)
    assert pending is not None
    answer = httpx.get(url, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(f"{BASE.rstrip('/')}{area.path}/sign-in/oidc/callback?")
    return pending, {k: v[-1] for k, v in parse_qs(urlsplit(location).query).items()}


def test_a_resident_is_signed_in_with_the_code_and_the_verifier(provider):
    provider.user = {"sub": "r1", "xinyong_subject": RID}
    oidc = client(provider)
    pending, back = authorize(oidc, PORTAL)
    assert back["state"] == pending.state
    reader = run(oidc.finish(PORTAL, BASE, pending, back["code"]))
    assert (reader.role, str(reader.subject)) == ("subject", f"rid:{RID}")


def test_a_code_is_not_exchanged_without_its_verifier(provider):
    provider.user = {"sub": "r1", "xinyong_subject": RID}
    oidc = client(provider)
    pending, back = authorize(oidc, PORTAL)
    other = Pending(**{**pending.__dict__, "verifier": "x" * 64})
    assert refusal(oidc.finish(PORTAL, BASE, other, back["code"])) == "signin.error.oidc.failed"
    assert provider.token_requests == [(400, "invalid_grant")]


def test_a_code_is_exchanged_once(provider):
    provider.user = dict(oidc_provider_officer())
    oidc = client(provider)
    pending, back = authorize(oidc, CONSOLE)
    assert run(oidc.finish(CONSOLE, BASE, pending, back["code"])).name == "li.wei"
    assert refusal(oidc.finish(CONSOLE, BASE, pending, back["code"])) == "signin.error.oidc.failed"
    assert provider.token_requests == [(200, ""), (400, "invalid_grant")]


def test_a_wrong_client_secret_opens_no_session(provider):
    provider.user = dict(oidc_provider_officer())
    config = OidcConfig(provider.issuer, provider.client_id, "not-the-secret", None, "openid", "ID", ClaimMapping())
    oidc = OidcSignIn(config, b"k" * 32)
    pending, back = authorize(oidc, CONSOLE)
    assert refusal(oidc.finish(CONSOLE, BASE, pending, back["code"])) == "signin.error.oidc.failed"
    assert provider.token_requests == [(401, "invalid_client")]


def test_keys_the_provider_rotates_are_fetched_again(provider):
    provider.user = dict(oidc_provider_officer())
    oidc = client(provider)
    pending, back = authorize(oidc, CONSOLE)
    run(oidc.finish(CONSOLE, BASE, pending, back["code"]))  # the keys are now cached
    provider.key = RSAKey.generate_key(2048, {"kid": "test-key-2", "use": "sig", "alg": "RS256"})
    pending, back = authorize(oidc, CONSOLE)
    assert run(oidc.finish(CONSOLE, BASE, pending, back["code"])).role == "officer"


def test_a_provider_that_does_not_answer_is_unavailable():
    config = OidcConfig(f"http://127.0.0.1:{free_port()}", "x", None, None, "openid", "ID", ClaimMapping())
    with pytest.raises(ProviderUnavailable):
        run(OidcSignIn(config, b"k" * 32).begin(PORTAL, BASE, "/portal"))


def test_a_discovery_document_naming_another_issuer_is_not_believed(provider):
    # The issuer is compared as it is written: with a slash at the end it is another one.
    oidc = client(provider, issuer=provider.issuer + "/")
    with pytest.raises(ProviderUnavailable, match="names the issuer"):
        run(oidc.begin(PORTAL, BASE, "/portal"))


def test_a_provider_announcing_an_endpoint_over_plain_http_elsewhere_is_not_used(provider):
    provider.misbehave = "plain_http_endpoint"
    with pytest.raises(ProviderUnavailable, match="token_endpoint is not an https"):
        run(client(provider).begin(PORTAL, BASE, "/portal"))


def test_serve_signs_in_through_the_provider_its_settings_name(provider, tmp_path):
    settings = {
        "XINYONG_OIDC_ISSUER": provider.issuer,
        "XINYONG_OIDC_CLIENT_ID": provider.client_id,
        "XINYONG_OIDC_CLIENT_SECRET": provider.client_secret,
        "XINYONG_NOTICE_INTERVAL": "0",
    }
    with serving.running(str(tmp_path / "x.db"), tmp_path, settings, process=True) as served:
        page = httpx.get(f"{served.url}/portal", timeout=10)
        assert 'id="signin-provider"' in page.text and "127.0.0.1" in page.text  # named by the issuer's host
        start = httpx.get(f"{served.url}/console/sign-in/oidc", timeout=10)
        assert start.status_code == 303
        assert start.headers["location"].startswith(f"{provider.issuer}/authorize?")
        callback = f"{served.url}/console/sign-in/oidc/callback"
        assert f"and {callback}" in served.output()
    assert provider.client_secret not in served.output()


def oidc_provider_officer() -> dict[str, object]:
    return {"sub": "o1", "preferred_username": "li.wei", "groups": ["xinyong-officers"]}
