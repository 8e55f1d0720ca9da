"""Identities verified by an OpenID Connect provider become readers: a resident or an
organisation in the portal by the claim naming its identity number or credit code, an
officer in the console by group membership, named for the access log; anything else is
refused. Sessions opened that way are sealed, and end when they expire."""

from __future__ import annotations

import os

import pytest

from tests.support.identifiers import resident_number
from tests.support.oidc_provider import run
from xinyong.domain.identifiers import SubjectRef
from xinyong.entrypoints.web.oidc import ClaimMapping, OidcConfig, OidcSignIn, reader_for
from xinyong.entrypoints.web.sessions import CONSOLE, PORTAL, SESSION_SECONDS, SignInRefused
from xinyong.settings import Settings, SettingsError

pytestmark = pytest.mark.unit

RID = "11010519491231002X"
USCC = "91350100M000100Y43"
DEFAULT = ClaimMapping()


def refusal(claims, area, mapping=DEFAULT) -> str:
    with pytest.raises(SignInRefused) as refused:
        reader_for(claims, area, mapping, "oidc00000001")
    return refused.value.reason


def test_a_resident_named_by_the_subject_claim_reads_only_their_own_file():
    reader = reader_for({"sub": "u1", "xinyong_subject": f"rid:{RID}"}, PORTAL, DEFAULT, "oidc00000001")
    assert (reader.role, reader.subject) == ("subject", SubjectRef.parse(f"rid:{RID}"))
    assert reader.may_read(SubjectRef.parse(f"rid:{RID}"))
    assert not reader.may_read(SubjectRef.parse(f"rid:{resident_number('11010519800101001')}"))


def test_the_reader_of_a_resident_is_named_by_the_session_never_by_the_identity_number():
    reader = reader_for({"sub": RID, "xinyong_subject": RID}, PORTAL, DEFAULT, "oidc00000001")
    assert RID not in reader.name and reader.name == "subject-oidc00000001"
    assert reader.token_id == "oidc00000001"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (RID, f"rid:{RID}"),
        (RID.lower(), f"rid:{RID}"),
        (f" {RID} ", f"rid:{RID}"),
        (USCC, f"uscc:{USCC}"),
        (f"uscc:{USCC}", f"uscc:{USCC}"),
    ],
)
def test_the_subject_claim_may_hold_the_bare_number_or_code(value, expected):
    reader = reader_for({"xinyong_subject": value}, PORTAL, DEFAULT, "oidc00000001")
    assert str(reader.subject) == expected


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "u1"},
        {"xinyong_subject": ""},
        {"xinyong_subject": RID[:-1] + "1"},  # the check character is wrong
        {"xinyong_subject": ["rid:" + RID]},
        {"xinyong_subject": "passport:E12345678"},
        {"groups": ["xinyong-officers"], "preferred_username": "li.wei"},  # an officer is not a resident
    ],
)
def test_an_identity_without_a_valid_subject_claim_opens_no_file(claims):
    assert refusal(claims, PORTAL) == "signin.error.oidc.portal"


def test_the_subject_claim_is_configurable():
    mapping = ClaimMapping(subject_claim="national_id")
    assert reader_for({"national_id": RID}, PORTAL, mapping, "s").subject == SubjectRef.parse(f"rid:{RID}")
    assert refusal({"xinyong_subject": RID}, PORTAL, mapping) == "signin.error.oidc.portal"


@pytest.mark.parametrize(
    "groups", [["staff", "xinyong-officers"], "staff xinyong-officers", "staff,xinyong-officers", "xinyong-officers"]
)
def test_an_officer_is_a_member_of_the_officers_group_named_by_user_name(groups):
    reader = reader_for({"sub": "o1", "groups": groups, "preferred_username": "li.wei"}, CONSOLE, DEFAULT, "s1")
    assert (reader.role, reader.name, reader.subject, reader.token_id) == ("officer", "li.wei", None, "s1")


def test_an_officers_name_falls_back_to_the_name_claim():
    reader = reader_for({"groups": ["xinyong-officers"], "name": "Li Wei"}, CONSOLE, DEFAULT, "s1")
    assert reader.name == "Li Wei"


def test_an_officer_without_any_name_is_refused_as_the_access_log_needs_one():
    assert refusal({"groups": ["xinyong-officers"], "name": "  "}, CONSOLE) == "signin.error.oidc.unnamed"


@pytest.mark.parametrize(
    "claims",
    [
        {"preferred_username": "li.wei"},
        {"preferred_username": "li.wei", "groups": ["staff"]},
        {"preferred_username": "li.wei", "groups": ["xinyong-officers-former"]},
        {"preferred_username": "li.wei", "groups": {"xinyong-officers": True}},
        {"preferred_username": "li.wei", "xinyong_subject": RID},  # a resident is not an officer
    ],
)
def test_an_identity_outside_the_officers_group_does_not_open_the_console(claims):
    assert refusal(claims, CONSOLE) == "signin.error.oidc.console"


def test_the_officers_claim_and_group_are_configurable():
    mapping = ClaimMapping(officer_claim="roles", officer_value="credit-officer", name_claim="email")
    claims = {"roles": ["credit-officer"], "email": "li.wei@example.gov", "preferred_username": "lw"}
    assert reader_for(claims, CONSOLE, mapping, "s").name == "li.wei@example.gov"
    assert refusal({"groups": ["xinyong-officers"], "email": "x"}, CONSOLE, mapping) == "signin.error.oidc.console"


# ---------------------------------------------------------------------- sessions


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def provider(clock: Clock | None = None, key: bytes = b"k" * 32) -> OidcSignIn:
    config = OidcConfig("https://id.example.gov", "xinyong", None, None, "openid", "ID", DEFAULT)
    return OidcSignIn(config, key, clock or Clock())


def test_a_session_cookie_holds_the_reader_sealed_and_gives_it_back():
    oidc = provider()
    reader = reader_for({"xinyong_subject": RID}, PORTAL, DEFAULT, "oidc00000001")
    value = oidc.session(reader)
    assert value.startswith("oidc.") and RID not in value
    assert oidc.reader(value) == reader


def test_a_session_ends_when_it_expires():
    clock = Clock()
    oidc = provider(clock)
    value = oidc.session(reader_for({"groups": "xinyong-officers", "name": "Li"}, CONSOLE, DEFAULT, "s"))
    clock.now += SESSION_SECONDS - 1
    assert oidc.reader(value) is not None
    clock.now += 1
    assert oidc.reader(value) is None


def test_a_session_altered_or_sealed_under_another_key_is_no_session():
    oidc = provider()
    value = oidc.session(reader_for({"xinyong_subject": RID}, PORTAL, DEFAULT, "s"))
    altered = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    assert oidc.reader(altered) is None
    assert provider(key=b"j" * 32).reader(value) is None
    assert oidc.reader("xy_0123_abc") is None


def test_a_pending_sign_in_is_bound_to_its_area_and_expires():
    clock = Clock()
    oidc = provider(clock)
    oidc._metadata = ({"authorization_endpoint": "https://id.example.gov/authorize"}, clock.now)
    url, sealed = run(oidc.begin(PORTAL, "http://127.0.0.1:8000/", "/portal"))
    pending = oidc.pending(sealed, PORTAL)
    assert pending is not None
    assert f"state={pending.state}" in url and f"nonce={pending.nonce}" in url
    assert "code_challenge_method=S256" in url and pending.verifier not in url
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2Fportal%2Fsign-in%2Foidc%2Fcallback" in url
    assert oidc.pending(sealed, CONSOLE) is None
    clock.now += 600
    assert oidc.pending(sealed, PORTAL) is None


# ---------------------------------------------------------------------- settings


@pytest.fixture
def clean_environment(monkeypatch):
    """Only the variables a test sets."""
    for name in [k for k in os.environ if k.startswith("XINYONG_")]:
        monkeypatch.delenv(name)


def test_the_issuer_and_the_client_id_go_together(clean_environment):
    with pytest.raises(SettingsError, match="XINYONG_OIDC_ISSUER and XINYONG_OIDC_CLIENT_ID"):
        Settings(oidc_issuer="https://id.example.gov")
    assert not Settings().oidc and OidcConfig.from_settings(Settings()) is None


@pytest.mark.parametrize("issuer", ["http://id.example.gov", "id.example.gov", "ftp://id.example.gov"])
def test_a_provider_is_reached_over_https_unless_it_is_on_this_machine(issuer, clean_environment):
    with pytest.raises(SettingsError, match="XINYONG_OIDC_ISSUER"):
        Settings(oidc_issuer=issuer, oidc_client_id="xinyong")
    assert Settings(oidc_issuer="http://127.0.0.1:9000", oidc_client_id="xinyong").oidc


def test_the_client_secret_is_never_shown(clean_environment):
    settings = Settings(oidc_issuer="https://id.example.gov", oidc_client_id="xinyong", oidc_client_secret="s3cr3t-x")
    assert "s3cr3t-x" not in repr(settings)
    with pytest.raises(SettingsError) as error:
        Settings(oidc_client_secret="s3cr3t-x", oidc_scopes="")
    assert "s3cr3t-x" not in str(error.value)


def test_the_openid_scope_is_always_asked_for_and_the_button_names_the_issuers_host(clean_environment):
    config = OidcConfig.from_settings(
        Settings(oidc_issuer="https://id.example.gov/realms/city", oidc_client_id="x", oidc_scopes="profile groups")
    )
    assert config is not None
    assert config.scopes == "openid profile groups" and config.provider_name == "id.example.gov"
