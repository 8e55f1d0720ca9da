"""The catalog linter (docs/design.md sections 2 and 5): every refused matter is rejected,
sanctions cite a legal basis, measures reach only the subject, and the EU profile
refuses social scoring; the conformance and sample catalogs raise no false alarm."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.samples import sample_catalogs
from xinyong.domain.catalog import CatalogRegistry
from xinyong.domain.catalog.files import parse_catalog, read_catalog
from xinyong.domain.catalog.lint import PROFILES, Finding, lint, normalise, refused_terms

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE_CATALOGS = sorted((ROOT / "tests" / "conformance").glob("*/catalog-*.toml"))
SAMPLE_CATALOGS = sample_catalogs()

PERSON = """\
id = "city-personal"
jurisdiction = "CN-SD-RC"
subject_kind = "person"
version = "2024.1"
effective_from = "2024-01-01"
base = 1000
grades = [ { name = "A", min = 960 }, { name = "B", min = 850 }, { name = "C", min = 600 }, { name = "D" } ]
"""

ORGANISATION = PERSON.replace('"city-personal"', '"city-enterprise"').replace('"person"', '"organisation"')


def catalog(body: str, head: str = PERSON):
    return parse_catalog(head + body)


def rule(
    name: str,
    *,
    title: str = "",
    category: str = "traffic",
    points: int = -5,
    legal_basis: str | None = "Road Traffic Safety Law, art. 90",
    extra: str = "",
) -> str:
    lines = [
        f'[rules."{name}"]',
        f"category = {category!r}",
        f"points = {points}",
        'valid_for = "P1Y"',
    ]
    if title:
        lines.append(f'title = "{title}"')
    if legal_basis is not None:
        lines.append(f'legal_basis = "{legal_basis}"')
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n\n"


def measure(
    when: str,
    action: str,
    effect: str = "deny",
    *,
    legal_basis: str | None = "City Measures on Credit Rewards and Punishments, art. 4",
    extra: str = "",
) -> str:
    lines = ["[[measures]]", f"when = {when}", f'action = "{action}"', f'effect = "{effect}"']
    if effect == "benefit":
        lines.append('benefit = "a discount"')
    if legal_basis is not None:
        lines.append(f'legal_basis = "{legal_basis}"')
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n\n"


def black_list(list_id: str, extra: str = 'duration = "P2Y"\nremoval = ["fulfilment", "repair", "annulment"]') -> str:
    return f'[lists.{list_id}]\nkind = "black"\n{extra}\n\n'


def codes(findings: list[Finding], severity: str | None = None) -> list[str]:
    return [f.code for f in findings if severity is None or f.severity == severity]


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


# ----------------------------------------------------------------------------- refused matters


@pytest.mark.parametrize(
    "body",
    [
        rule("religion.attendance", title="Attending religious services"),
        rule("conduct.weekly", title="Going to church on Sundays"),
        rule("community.faith_group", title="Member of a faith group"),
    ],
)
def test_a_catalog_that_scores_religion_is_refused(body):
    assert "refused-matter" in codes(lint([catalog(body)]), "error")


@pytest.mark.parametrize(
    "body",
    [
        rule("speech.online_criticism", title="Criticising officials"),
        rule("conduct.remarks", title="Inappropriate remarks about the government"),
        rule("rumour.spreading"),
    ],
)
def test_a_catalog_that_scores_speech_is_refused(body):
    assert "refused-matter" in codes(lint([catalog(body)]), "error")


@pytest.mark.parametrize(
    "body",
    [
        rule("ethnicity.minority"),
        rule("resident.profile", title="Ethnic origin of the resident"),
        rule("resident.race"),
    ],
)
def test_a_catalog_that_scores_ethnicity_is_refused(body):
    assert "refused-matter" in codes(lint([catalog(body)]), "error")


@pytest.mark.parametrize(
    "body",
    [
        rule("leisure.video_game_hours", title="Hours of video games a day"),
        rule("gaming.hours"),
        rule("leisure.playtime", title="Too much play time"),
    ],
)
def test_a_catalog_that_scores_game_hours_is_refused(body):
    assert "refused-matter" in codes(lint([catalog(body)]), "error")


@pytest.mark.parametrize(
    "body",
    [
        rule("social.connections_with_defaulters", title="Friends with low scores"),
        rule("network.contacts", title="Phone contacts on a blacklist"),
        rule("conduct.associates", title="Associated with listed defaulters"),
    ],
)
def test_a_catalog_that_scores_social_connections_is_refused(body):
    assert "refused-matter" in codes(lint([catalog(body)]), "error")


@pytest.mark.parametrize(
    "body",
    [
        rule("jaywalking.camera", title="Jaywalking caught on camera"),
        rule("street.facial_recognition"),
        rule("public.cctv_identification", title="Identified by CCTV"),
        rule("conduct.street", title="faceRecognitionMatch"),
    ],
)
def test_a_catalog_that_scores_camera_and_facial_identification_is_refused(body):
    assert "refused-matter" in codes(lint([catalog(body)]), "error")


@pytest.mark.parametrize(
    "body",
    [
        rule("petition.beijing", title="Petitioning higher authorities"),
        rule("conduct.letters_and_visits", title="Letters and visits to the capital"),
        rule("political.petition", title="Signing a political petition"),
    ],
)
def test_a_catalog_that_scores_political_petitions_is_refused(body):
    assert "refused-matter" in codes(lint([catalog(body)]), "error")


@pytest.mark.parametrize(
    "name",
    [
        "social_media.post",
        "weibo.posts",
        "location.tracking",
        "phone.spyware",
        "union.membership",
        "trade_union.member",
        "health.condition",
        "sexuality.declared",
        "shopping.online_purchases",
        "dating.app_use",
        "relatives.defaults",
        "family.member_listed",
    ],
)
def test_each_refused_matter_is_found_in_a_rule_name(name):
    findings = lint([catalog(rule(name))])
    assert [f.where for f in findings if f.code == "refused-matter"] == [f'rules."{name}"']


@pytest.mark.parametrize(
    "title",
    [
        "信仰宗教",
        "少数民族",
        "越级上访",
        "信访",
        "人脸识别抓拍",
        "网络言论",
        "玩游戏时长",
        "子女上学",
        "工会会员",
    ],
)
def test_chinese_terms_of_refused_matters_are_refused(title):
    assert "refused-matter" in codes(lint([catalog(rule("conduct.recorded", title=title))]), "error")


def test_a_list_named_for_a_refused_matter_is_refused():
    body = rule("court.judgment_default", category="judicial", extra='list = "petitioners"') + black_list("petitioners")
    findings = lint([catalog(body)])
    assert [f.where for f in findings if f.code == "refused-matter"] == ["lists.petitioners"]


def test_a_refused_matter_in_a_description_is_refused():
    body = rule(
        "conduct.public_order",
        extra='description = "Includes posts on Weibo critical of officials."',
    )
    findings = lint([catalog(body)])
    assert [f.where for f in findings if f.code == "refused-matter"] == ['rules."conduct.public_order".description']


def test_a_measure_may_restrict_a_purchase_but_a_rule_may_not_score_one():
    listed = rule(
        "court.judgment_default",
        category="judicial",
        points=0,
        extra='list = "judgment-defaulters"',
    )
    body = (
        listed
        + black_list("judgment-defaulters")
        + measure(
            '{ list = "judgment-defaulters" }',
            "property.purchase",
            legal_basis="SPC Provisions on Restricting High Consumption, art. 3",
        )
    )
    assert errors(lint([catalog(body)])) == []
    assert "refused-matter" in codes(lint([catalog(rule("alcohol.purchases", title="Alcohol purchases"))]))


def test_private_life_terms_do_not_apply_to_organisations():
    body = rule(
        "product.video_game_consoles",
        category="product_quality",
        title="Unsafe video game consoles",
    )
    assert errors(lint([catalog(body, ORGANISATION)])) == []


@pytest.mark.parametrize(
    "name,title",
    [
        ("tax.evasion_major", "Major tax evasion"),
        ("volunteer.service_day", "A day of registered volunteer service"),
        ("public_service.fees_late", "Late payment of public-service fees"),
        ("heating.tampering", "Tampering with public heating"),
        ("rail.high_speed_fare_evasion", "Fare evasion on high-speed rail"),
        ("charity.donation", "A registered charitable donation"),
        ("product.quality_fine", "Fined for substandard products"),
        ("court.judgment_default", "Failing to perform an effective judgment"),
        ("contract.bad_faith_litigation", "Litigation in bad faith"),
        ("employer.child_labour", "Employing child labour"),
        ("product.children_toys", "Unsafe children's toys"),
        ("employment.senior_post", "Senior post in a state enterprise"),
        ("environment.monitoring_data", "Falsifying emission monitoring data"),
        ("market.unreachable_at_address", "Cannot be contacted at the registered address"),
        ("traffic.speed_camera", "Speeding recorded by a speed camera"),
        ("traffic.street_race", "Illegal street race"),
        ("environment.wild_game_hunting", "Hunting wild game without a permit"),
        ("food.public_health", "Breach of public health rules"),
        ("insurance.health_insurance_fraud", "Health insurance fraud"),
        ("honour.national_games_medal", "Medal at the National Games"),
    ],
)
def test_innocent_rules_raise_no_false_alarm(name, title):
    category = "public_service" if name.startswith(("volunteer", "honour")) else "administrative_penalty"
    points = 5 if category == "public_service" else -5
    body = rule(name, title=title, category=category, points=points, extra="cap_per_year = 10")
    assert codes(lint([catalog(body)])) == []


def test_normalise_splits_identifiers_into_words():
    assert normalise("social_media.post") == "social media post"
    assert normalise("socialMedia-post") == "social media post"
    assert normalise("CCTVCamera") == "cctv camera"
    assert normalise("Children's school") == "children s school"


INNOCUOUS = [
    "traffic", "red", "light", "court", "judgment", "default", "tax", "evasion", "late",
    "payment", "volunteer", "service", "day", "charity", "donation", "product", "quality",
    "fine", "heating", "discount", "rail", "high", "speed", "public", "utility", "contract",
    "loan", "arrears", "fraud", "goods", "counterfeit", "permit", "licence", "environment",
    "emission", "waste", "return", "filing", "invoice", "procurement", "bid", "parking",
    "fee", "breach", "guarantee", "lending", "insurance", "debt", "enforcement", "order",
    "penalty", "warning", "market", "pyramid", "selling", "water", "gas", "theft", "equipment",
    "damage", "statement", "financial", "bond", "issue", "export", "refund", "aviation",
]  # fmt: skip
# Words refused whatever their neighbours ("health" is not: "public health" is innocent).
REFUSED = [
    "religion", "church", "ethnicity", "petition", "speech", "facial_recognition", "cctv",
    "social_media", "video_game", "friends", "dating", "relatives", "grandchildren", "spouse",
    "union_membership", "mental_health", "sexuality", "spyware", "location_tracking", "political",
]  # fmt: skip

words = st.lists(st.sampled_from(INNOCUOUS), min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=3))
def test_rule_names_from_an_innocuous_vocabulary_are_never_refused(segments):
    name = ".".join("_".join(segment) for segment in segments)
    assert codes(lint([catalog(rule(name, title=" ".join(name.split("."))))])) == []


@settings(max_examples=200, deadline=None)
@given(words, st.sampled_from(REFUSED), st.integers(min_value=0, max_value=4))
def test_a_refused_word_anywhere_in_a_rule_name_is_refused(segment, refused, position):
    parts = list(segment)
    parts.insert(min(position, len(parts)), refused)
    name = "conduct." + "_".join(parts)
    assert "refused-matter" in codes(lint([catalog(rule(name))]), "error")


# ----------------------------------------------------------------------------- categories and legal basis


def test_a_category_outside_the_allowed_list_is_refused():
    findings = lint([catalog(rule("conduct.loitering", category="public_morality"))])
    assert [(f.code, f.where) for f in errors(findings)] == [("unknown-category", 'rules."conduct.loitering".category')]
    assert "public_morality" in findings[0].message


def test_a_negative_rule_without_legal_basis_is_refused():
    findings = lint([catalog(rule("traffic.red_light", legal_basis=None))])
    assert [(f.code, f.where) for f in errors(findings)] == [
        ("missing-legal-basis", 'rules."traffic.red_light".legal_basis')
    ]


@pytest.mark.parametrize("placeholder", ["", "   ", "TBD", "n/a", "none", "-", "todo", "Law"])
def test_a_placeholder_legal_basis_is_no_legal_basis(placeholder):
    findings = lint([catalog(rule("traffic.red_light", legal_basis=placeholder))])
    assert codes(findings, "error") == ["missing-legal-basis"]


@pytest.mark.parametrize("vague", ["Regulations", "because the mayor said so", "see article 5"])
def test_a_legal_basis_that_names_no_instrument_is_refused(vague):
    findings = lint([catalog(rule("traffic.red_light", legal_basis=vague))])
    assert codes(findings, "error") == ["vague-legal-basis"]


@pytest.mark.parametrize("basis", ["Road Traffic Safety Law, art. 90", "道路交通安全法第九十条", "Civil Code"])
def test_a_legal_basis_that_names_an_instrument_is_accepted(basis):
    assert lint([catalog(rule("traffic.red_light", legal_basis=basis))]) == []


def test_a_rule_that_only_blacklists_needs_a_legal_basis_too():
    body = rule(
        "court.judgment_default",
        category="judicial",
        points=0,
        legal_basis=None,
        extra='list = "judgment-defaulters"',
    ) + black_list("judgment-defaulters")
    assert codes(lint([catalog(body)]), "error") == ["missing-legal-basis"]


def test_a_reward_needs_no_legal_basis():
    body = rule(
        "volunteer.service_day",
        category="public_service",
        points=1,
        legal_basis=None,
        extra="cap_per_year = 20",
    )
    assert lint([catalog(body)]) == []


@pytest.mark.parametrize("category", ["honour", "charity", "public_service"])
def test_a_reward_only_category_cannot_punish(category):
    findings = lint([catalog(rule("volunteer.no_show", category=category, points=-5))])
    assert codes(findings, "error") == ["penalty-in-reward-category"]


def test_an_uncapped_donation_reward_is_a_warning():
    findings = lint([catalog(rule("charity.donation", category="charity", points=2, legal_basis="Charity Law"))])
    assert [(f.severity, f.code) for f in findings] == [("warning", "uncapped-reward")]


# ----------------------------------------------------------------------------- measures


def test_a_measure_without_legal_basis_is_refused():
    body = measure('{ grades = ["A"] }', "utility.heating", "benefit", legal_basis=None)
    findings = lint([catalog(body)])
    assert [(f.code, f.where) for f in errors(findings)] == [("missing-legal-basis", "measures[0].legal_basis")]


def test_a_measure_reaching_the_subjects_children_is_refused():
    listed = rule("court.judgment_default", category="judicial", extra='list = "judgment-defaulters"')
    body = (
        listed
        + black_list("judgment-defaulters")
        + measure(
            '{ list = "judgment-defaulters" }',
            "children.private_school",
            legal_basis="SPC Provisions on Restricting High Consumption, art. 3(7)",
        )
    )
    findings = lint([catalog(body)])
    # Schooling is also a service no measure may deny (item 9 of section 2).
    assert [(f.code, f.where) for f in errors(findings)] == [
        ("measure-reaches-others", "measures[0].action"),
        ("essential-service", "measures[0].action"),
    ]


@pytest.mark.parametrize(
    "action,extra",
    [
        ("education.admission", 'title = "No school admission for the debtor\'s kids"'),
        ("housing.rent", 'benefit = "discount for the spouse"'),
        ("education.private_school", ""),
        ("legal_representative.air_travel", ""),
    ],
)
def test_a_measure_naming_relatives_or_representatives_anywhere_is_refused(action, extra):
    body = measure('{ grades = ["D"] }', action, extra=extra + '\nproportionality = "noted"')
    assert "measure-reaches-others" in codes(lint([catalog(body)]), "error")


@pytest.mark.parametrize("applies_to", ["relatives", "legal_representative", "household"])
def test_a_measure_applying_to_anyone_but_the_subject_is_refused(applies_to):
    body = measure(
        '{ grades = ["D"] }',
        "air_travel.ticket",
        extra=f'applies_to = "{applies_to}"\nproportionality = "noted"',
    )
    findings = lint([catalog(body)])
    assert [(f.code, f.where) for f in errors(findings)] == [("measure-reaches-others", "measures[0].applies_to")]


def test_a_measure_on_a_list_no_catalog_defines_is_refused():
    findings = lint([catalog(measure('{ list = "secret-list" }', "air_travel.ticket"))])
    assert [(f.code, f.where) for f in errors(findings)] == [("unknown-list", "measures[0].when.list")]


def test_a_measure_may_name_a_list_another_catalog_defines():
    owner = catalog(
        rule("court.judgment_default", category="judicial", extra='list = "judgment-defaulters"')
        + black_list("judgment-defaulters"),
        PERSON.replace('"city-personal"', '"national-courts"'),
    )
    user = catalog(measure('{ list = "judgment-defaulters" }', "air_travel.ticket"))
    assert lint([user]) and codes(lint([user])) == ["unknown-list"]
    assert lint([user, owner]) == []


def test_two_catalogs_defining_one_list_id_are_refused():
    body = rule("court.judgment_default", category="judicial", extra='list = "judgment-defaulters"') + black_list(
        "judgment-defaulters"
    )
    first = catalog(body)
    second = catalog(body, PERSON.replace('"city-personal"', '"other-city"'))
    assert codes(lint([first, second]), "error") == ["duplicate-list", "duplicate-list"]


# ----------------------------------------------------------------------------- lists


def test_a_black_list_with_no_path_off_it_is_refused():
    body = rule("court.judgment_default", category="judicial", extra='list = "defaulters"') + black_list(
        "defaulters", "removal = []"
    )
    findings = lint([catalog(body)])
    assert [(f.code, f.where) for f in errors(findings)] == [("no-path-off-list", "lists.defaulters.removal")]


def test_a_black_list_whose_rules_all_set_a_list_duration_has_a_path_off_it():
    body = rule(
        "court.judgment_default",
        category="judicial",
        extra='list = "defaulters"\nlist_duration = "P2Y"',
    ) + black_list("defaulters", "removal = []")
    assert lint([catalog(body)]) == []


def test_a_list_that_publishes_persons_is_a_warning():
    body = rule("court.judgment_default", category="judicial", extra='list = "defaulters"') + black_list(
        "defaulters", 'duration = "P2Y"\nremoval = ["fulfilment"]\npublish = "all"'
    )
    findings = lint([catalog(body)])
    assert [(f.severity, f.code) for f in findings] == [("warning", "publishes-persons")]


# ----------------------------------------------------------------------------- proportionality and the EU profile

MIXED = (
    rule("traffic.red_light")
    + rule("tax.late_payment", category="tax", legal_basis="Tax Collection Law, art. 32")
    + rule("court.judgment_default", category="judicial", legal_basis="Civil Procedure Law, art. 262")
)


def test_a_grade_triggered_denial_of_an_unrelated_service_is_an_error_under_eu():
    findings = lint([catalog(MIXED + measure('{ grades = ["D"] }', "rail.high_speed"))], "eu")
    assert [(f.code, f.where) for f in errors(findings)] == [("eu-grade-denial", "measures[0].when.grades")]


def test_a_grade_triggered_denial_of_an_unrelated_service_is_only_a_warning_by_default():
    findings = lint([catalog(MIXED + measure('{ grades = ["D"] }', "rail.high_speed"))])
    assert [(f.severity, f.code, f.where) for f in findings] == [
        ("warning", "proportionality-note", "measures[0].proportionality")
    ]


def test_a_proportionality_note_answers_the_default_warning():
    body = MIXED + measure('{ grades = ["D"] }', "rail.high_speed", extra='proportionality = "Reasons given."')
    assert lint([catalog(body)]) == []


def test_a_proportionality_note_does_not_cure_a_grade_triggered_denial_under_eu():
    body = MIXED + measure('{ grades = ["D"] }', "rail.high_speed", extra='proportionality = "Reasons given."')
    assert codes(lint([catalog(body)], "eu"), "error") == ["eu-grade-denial"]


def test_a_grade_triggered_review_counts_as_detrimental_treatment_under_eu():
    body = MIXED + measure('{ grades = ["C", "D"] }', "loan.apply", "review")
    assert codes(lint([catalog(body)], "eu"), "error") == ["eu-grade-denial"]


def test_a_grade_triggered_benefit_is_only_a_warning_under_eu():
    findings = lint([catalog(MIXED + measure('{ grades = ["A"] }', "utility.heating", "benefit"))], "eu")
    assert [(f.severity, f.code) for f in findings] == [("warning", "eu-grade-benefit")]


def test_a_grade_of_related_conduct_may_decide_a_related_action_under_eu():
    body = rule("traffic.red_light") + rule("traffic.speeding") + measure('{ grades = ["D"] }', "driving.licence")
    assert lint([catalog(body)], "eu") == []


def _list_catalog(
    rule_name: str,
    category: str,
    action: str,
    legal_basis: str = "Road Traffic Safety Law, art. 90",
):
    return catalog(
        rule(rule_name, category=category, legal_basis=legal_basis, extra='list = "listed"')
        + black_list("listed")
        + measure('{ list = "listed" }', action)
    )


def test_a_judicial_list_denying_air_travel_is_related_under_eu():
    assert lint([_list_catalog("court.judgment_default", "judicial", "air_travel.ticket")], "eu") == []


def test_a_tax_list_denying_procurement_is_related_under_eu():
    assert lint([_list_catalog("tax.major_violation", "tax", "procurement.bid")], "eu") == []


def test_an_aviation_list_denying_air_travel_is_related_under_eu():
    assert (
        lint(
            [_list_catalog("aviation.cabin_disorder", "administrative_penalty", "air_travel.ticket")],
            "eu",
        )
        == []
    )


def test_a_traffic_list_denying_a_loan_is_an_unrelated_context_under_eu():
    findings = lint([_list_catalog("traffic.drunk_driving", "traffic", "loan.apply")], "eu")
    assert [(f.code, f.where) for f in errors(findings)] == [("eu-unrelated-context", "measures[0].when.list")]


def test_a_traffic_list_denying_a_loan_is_only_a_warning_by_default():
    findings = lint([_list_catalog("traffic.drunk_driving", "traffic", "loan.apply")])
    assert [(f.severity, f.code) for f in findings] == [("warning", "proportionality-note")]


def test_an_unknown_profile_is_refused():
    assert PROFILES == ("default", "eu")
    with pytest.raises(ValueError, match="profile"):
        lint([], "strict")


def test_findings_name_the_catalog_version_and_value_at_fault():
    (finding,) = lint([catalog(rule("religion.attendance"))])
    assert (finding.catalog, finding.version, finding.severity) == (
        "city-personal",
        "2024.1",
        "error",
    )
    assert "religion.attendance" in finding.message


def test_a_refused_matter_in_a_camel_case_measure_id_is_refused():
    body = measure(
        '{ grades = ["D"] }',
        "loan.apply",
        "review",
        extra='id = "socialMediaReview"\nproportionality = "noted"',
    )
    findings = lint([catalog(body)])
    assert [(f.code, f.where) for f in errors(findings)] == [("refused-matter", "measures[0].id")]


def test_refused_terms_reports_the_matter_and_the_words_found():
    (term,) = refused_terms("socialMedia.posts")
    assert (term.group, term.found) == ("surveillance", "social media")


# ----------------------------------------------------------------------------- shipped catalogs


@pytest.mark.parametrize("path", CONFORMANCE_CATALOGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_conformance_catalogs_lint_without_errors(path):
    assert errors(lint([read_catalog(path)])) == []


@pytest.mark.parametrize("path", SAMPLE_CATALOGS, ids=lambda p: p.name)
def test_sample_catalogs_lint_without_errors(path):
    assert errors(lint([read_catalog(path)])) == []


def test_sample_catalogs_lint_together_without_errors_or_warnings():
    assert lint([read_catalog(p) for p in SAMPLE_CATALOGS]) == []


def test_sample_catalogs_load_into_one_registry():
    names = {p.name for p in SAMPLE_CATALOGS}
    assert {
        "rongcheng-personal.toml",
        "judgment-defaulters.toml",
        "enterprise-tax-credit.toml",
        "civil-aviation-passengers.toml",
    } <= names
    registry = CatalogRegistry.of(read_catalog(p) for p in SAMPLE_CATALOGS)
    assert registry.list_owner("judgment-defaulters").catalog_id == "national-judgment-defaulters"


def test_the_judgment_defaulter_catalog_leaves_out_the_childrens_schooling_measure():
    defaulters = read_catalog(ROOT / "catalogs" / "judgment-defaulters.toml")
    actions = {m.action for m in defaulters.measures}
    assert {
        "air_travel.ticket",
        "rail.high_speed",
        "property.purchase",
        "travel.leisure",
    } <= actions
    assert not any("school" in a for a in actions)


# ---------------------------------------------------- what people need to live, and coercion

# (action, extra keys of the measure): each in English and Chinese.
ESSENTIAL_MEASURES = {
    "healthcare": [
        ("healthcare.hospital.admission", ""),
        ("service.counter", 'title = "暂停医院挂号"'),
        ("pharmacy.prescription", ""),
        ("service.counter", 'title = "限制就医"'),
    ],
    "emergency services": [
        ("emergency.ambulance", ""),
        ("service.fire_brigade", ""),
        ("service.counter", 'title = "限制急救服务"'),
    ],
    "basic utility supply": [
        ("utility.water.supply", ""),
        ("utility.electricity", ""),
        ("service.gas_supply", ""),
        ("utility.heating", ""),
        ("service.counter", 'title = "暂停供水"'),
        ("service.counter", 'title = "停止供电"'),
        ("service.counter", 'title = "限制供气"'),
        ("service.counter", 'title = "停止供暖"'),
    ],
    "internet access": [
        ("internet.broadband", ""),
        ("telecom.mobile_data", ""),
        ("service.counter", 'title = "Throttled home connection"'),
        ("service.counter", 'title = "限制宽带上网"'),
        ("service.counter", 'title = "网络限速"'),
    ],
    "schooling": [
        ("education.school.enrolment", ""),
        ("university.admission", ""),
        ("service.counter", 'title = "限制子女入学"'),
        ("service.counter", 'title = "学校报名审查"'),
    ],
}
COERCIVE_MEASURES = [
    ("government.home_visit", ""),
    ("service.counter", 'title = "Regular visits from government officials"'),
    ("service.counter", 'title = "Inspection of the person\'s home"'),
    ("reeducation.class", ""),
    ("service.counter", 'title = "上门走访"'),
    ("service.counter", 'title = "约谈"'),
]


def essential_cases():
    for kind, cases in ESSENTIAL_MEASURES.items():
        for action, extra in cases:
            for effect in ("deny", "review"):
                yield pytest.param(kind, action, effect, extra, id=f"{kind}-{action}-{extra[9:30]}-{effect}")


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("kind", "action", "effect", "extra"), list(essential_cases()))
def test_a_measure_denying_or_reviewing_what_people_need_to_live_is_refused(kind, action, effect, extra, profile):
    body = measure('{ grades = ["D"] }', action, effect, extra=extra + '\nproportionality = "noted"')
    found = [f for f in errors(lint([catalog(body)], profile)) if f.code == "essential-service"]
    assert found, f"{action} {extra} not refused under {profile}"
    assert found[0].where.startswith("measures[0].")
    assert kind in found[0].message and action in found[0].message


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("action", "extra"), COERCIVE_MEASURES, ids=[a + e[9:30] for a, e in COERCIVE_MEASURES])
@pytest.mark.parametrize("effect", ["deny", "review", "benefit"])
def test_a_measure_sending_officials_to_a_person_is_refused_whatever_its_effect(action, extra, effect, profile):
    body = measure('{ grades = ["D"] }', action, effect, extra=extra + '\nproportionality = "noted"')
    assert "coercive-measure" in codes(lint([catalog(body)], profile), "error")


@pytest.mark.parametrize("profile", PROFILES)
def test_essential_services_are_refused_in_organisation_catalogs_too(profile):
    body = measure('{ grades = ["D"] }', "utility.water.supply", "review", extra='proportionality = "noted"')
    assert "essential-service" in codes(lint([catalog(body, ORGANISATION)], profile), "error")


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "action",
    [
        "utility.heating",
        "utility.water.supply",
        "internet.broadband",
        "healthcare.checkup",
        "education.school.enrolment",
    ],
)
def test_a_benefit_on_an_essential_service_is_allowed(action, profile):
    body = measure('{ grades = ["A"] }', action, "benefit")
    assert "essential-service" not in codes(lint([catalog(body)], profile), "error")


@pytest.mark.parametrize(
    "action",
    [
        "air_travel.ticket",
        "rail.high_speed",
        "finance.loan",
        "employment.civil_service",
        "loan.apply",
        "procurement.medical_equipment",
        "procurement.school_construction",
        "invoice.supply",
        "insurance.high_premium",
        "property.purchase",
        "hotel.star_rated",
        "vehicle.non_essential_purchase",
        "travel.leisure",
        "bond.issue",
        "government_service",
    ],
)
def test_ordinary_measures_are_not_mistaken_for_essential_services(action):
    body = measure('{ grades = ["D"] }', action, extra='proportionality = "noted"')
    found = codes(lint([catalog(body)]), "error")
    assert "essential-service" not in found and "coercive-measure" not in found


def test_the_essential_services_vocabulary_is_data_shipped_with_the_package():
    from importlib.resources import files

    from xinyong.domain.catalog.lint import load_vocabulary

    text = files("xinyong.domain.catalog").joinpath("vocabulary.toml").read_text(encoding="utf-8")
    vocabulary = load_vocabulary(text)
    assert {e.name for e in vocabulary.essentials} >= {"healthcare", "schooling", "internet access"}
    with pytest.raises(ValueError, match="unknown group"):
        load_vocabulary(text.replace('group = "identity"', 'group = "nowhere"', 1))


def test_the_contexts_of_conduct_are_data_shipped_with_the_package():
    from importlib.resources import files

    from xinyong.domain.catalog.lint import ACTION_CONTEXTS, action_contexts, load_vocabulary

    text = files("xinyong.domain.catalog").joinpath("vocabulary.toml").read_text(encoding="utf-8")
    vocabulary = load_vocabulary(text)
    assert vocabulary.action_contexts == ACTION_CONTEXTS
    assert action_contexts("air_travel.business_class") == {"judicial", "aviation"}
    assert vocabulary.rule_domains["railway"] == "rail"
    assert vocabulary.reward_only == {"honour", "charity", "public_service"}


def test_a_context_that_is_neither_a_category_nor_a_domain_is_refused_with_its_key():
    from importlib.resources import files

    from xinyong.domain.catalog.lint import load_vocabulary

    text = files("xinyong.domain.catalog").joinpath("vocabulary.toml").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=r"vocabulary.toml: contexts: actions.driving: trafic is neither"):
        load_vocabulary(text.replace('driving = ["traffic"]', 'driving = ["trafic"]'))
    with pytest.raises(
        ValueError, match=r"vocabulary.toml: matters\[\d+\].english\[\d+\]: the pattern does not compile"
    ):
        load_vocabulary(text.replace("'tuition'", "'tui(tion'"))
