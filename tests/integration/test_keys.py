"""Keys checked at the door: a database opens only under the key it was written with;
a new key is made only for a new, empty database; rotation keeps everything readable."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.conftest import scenario_files
from xinyong.adapters.storage.keyring import KeyRefused
from xinyong.adapters.storage.sealing import master_key_id, read_key
from xinyong.bootstrap import open_deployment, rotate_key
from xinyong.domain.identifiers import SubjectRef
from xinyong.settings import Settings

pytestmark = pytest.mark.integration

PERSON = SubjectRef.parse("rid:140451198304254480")


@pytest.fixture
def written(database, settings):
    deployment = open_deployment(database, settings)
    files = scenario_files("basic")
    deployment.catalogs.load(files["catalogs"])
    deployment.intake.import_lines(files["events"].read_text().splitlines())
    standing = deployment.inquiries.standing(PERSON, "city-personal", dt.date(2025, 1, 1))
    deployment.close()
    return standing


def test_another_well_formed_key_is_refused_at_the_door(written, database, settings):
    other = Settings(db=database, secret_key=os.urandom(32).hex(), notice_interval=0)
    with pytest.raises(KeyRefused, match=r"was written under secret key .* the key given has id"):
        open_deployment(database, other)


def test_a_missing_key_file_is_refused_and_no_new_key_is_made(written, database, settings, tmp_path):
    os.rename(settings.key_file, tmp_path / "elsewhere.key")
    with pytest.raises(KeyRefused, match=r"there is no key: .*secret.key does not exist"):
        open_deployment(database, settings)
    assert not os.path.exists(settings.key_file)


def test_a_new_key_is_made_for_a_new_empty_database(database, settings):
    assert not os.path.exists(settings.key_file)
    open_deployment(database, settings).close()
    assert os.stat(settings.key_file).st_mode & 0o777 == 0o600


def test_the_right_key_opens_and_answers_as_before(written, database, settings):
    deployment = open_deployment(database, settings)
    try:
        again = deployment.inquiries.standing(PERSON, "city-personal", dt.date(2025, 1, 1))
    finally:
        deployment.close()
    assert (again.score, again.grade) == (written.score, written.grade)


def test_rotation_keeps_answers_and_the_chain_and_refuses_the_old_key(written, database, settings, tmp_path):
    before = open_deployment(database, settings)
    anchor = before.checkpoint()
    before.close()
    old_key = read_key(None, settings.key_file)
    old_id, new_id = rotate_key(database, settings)
    assert old_id == master_key_id(old_key) and new_id != old_id
    assert master_key_id(read_key(None, settings.key_file)) == new_id
    deployment = open_deployment(database, settings)
    try:
        again = deployment.inquiries.standing(PERSON, "city-personal", dt.date(2025, 1, 1))
        with deployment.store.reading() as connection:
            reports = deployment.store.verify(connection)
            heads = deployment.store.heads(connection)
        # New values are sealed under the new seal key; the old ones still open.
        deployment.intake.import_lines(
            ['{"type": "subject", "subject": "rid:11010519491231002X", "jurisdiction": "CN-SD-RC", "name": "Li Si"}']
        )
        with deployment.store.reading() as connection:
            facts = deployment.store.subject_facts(connection, SubjectRef.parse("rid:11010519491231002X"))
            sealed_under = {
                deployment.store.sealer.sealed_key_id(blob)
                for blob in connection.exec_driver_sql("SELECT sealed FROM ledger WHERE sealed IS NOT NULL").scalars()
            }
        assert facts is not None and facts.name == "Li Si"
        assert deployment.store.sealer.current_seal_key in sealed_under and len(sealed_under) == 2
    finally:
        deployment.close()
    assert (again.score, again.grade) == (written.score, written.grade)
    assert all(r.intact for r in reports)
    assert heads["ledger"][1] == anchor["head"] or heads["ledger"][0] > anchor["length"]
    stale = Settings(db=database, secret_key=old_key.hex(), notice_interval=0)
    with pytest.raises(KeyRefused):
        open_deployment(database, stale)


def test_an_interrupted_rotation_is_finished_at_the_next_start(written, database, settings):
    from sqlalchemy import create_engine  # noqa: F401

    from xinyong.adapters.storage import keyring
    from xinyong.adapters.storage.sealing import create_key_file
    from xinyong.adapters.storage.store import make_engine

    old = read_key(None, settings.key_file)
    new = os.urandom(32)
    create_key_file(settings.key_file + ".new", new)
    engine = make_engine(database)
    with engine.begin() as connection:
        keyring.rotate(connection, old, new, "test")
    engine.dispose()
    # The process died before the new key file was put in place.
    deployment = open_deployment(database, settings)
    deployment.close()
    assert read_key(None, settings.key_file) == new


def test_settings_never_show_the_secret_key():
    secret = os.urandom(32).hex()
    settings = Settings(secret_key=secret)
    assert secret not in repr(settings) and secret not in str(settings)


def test_sqlite_acknowledges_only_what_is_on_disk(written, database, settings):
    if "://" in database:
        pytest.skip("PostgreSQL commits durably by default (synchronous_commit = on)")
    deployment = open_deployment(database, settings)
    try:
        with deployment.store.reading() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL
    finally:
        deployment.close()


def test_postgresql_commits_durably(written, database, settings):
    if "://" not in database:
        pytest.skip("SQLite: see test_sqlite_acknowledges_only_what_is_on_disk")
    deployment = open_deployment(database, settings)
    try:
        with deployment.store.reading() as connection:
            # Set by every connection, whatever the server's default (the suite's
            # throwaway server runs with synchronous_commit=off to be quick).
            assert connection.exec_driver_sql("SHOW synchronous_commit").scalar_one() == "on"
    finally:
        deployment.close()


def test_processes_starting_together_on_a_new_database_agree_on_one_key(database, tmp_path):
    import subprocess

    from tests.conftest import environment_for
    from tests.support.cli import XINYONG

    env = environment_for(database, tmp_path)
    started = [
        subprocess.Popen(
            [XINYONG, "--db", database, "ledger", "verify"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outcomes = [(p.wait(120), p.stderr.read()) for p in started]
    assert all(code == 0 for code, _ in outcomes), outcomes
    key = read_key(None, tmp_path / "secret.key")
    deployment = open_deployment(
        database, Settings(db=database, key_file=str(tmp_path / "secret.key"), notice_interval=0)
    )
    deployment.close()
    assert key is not None
