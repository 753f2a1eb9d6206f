"""Issuing every letter of a round in one go: which groups get one, the batch's progress counted as it
goes, a ZIP of all its letters, a letter that fails not stopping the rest, issuing again, and the
job runners: synchronous (tests), the in-process runner with its pool of two render processes, and
RQ on Redis."""

from __future__ import annotations

import io
import multiprocessing
import os
import time
import zipfile

import pytest
from sqlalchemy import select

from portal import jobs
from portal.domain.awards import BatchStatus, LetterKind
from portal.domain.workflow import AwardStatus
from portal.extensions import db
from portal.models import AuditEvent, Letter, LetterBatch, Notification
from portal.services import ServiceError, letter_batches, letters
from portal.storage import sha256_of
from tests import factories
from tests.services.test_letters import LINKS, make_decline, make_officer

BASE_URL = "https://portal.example/"


@pytest.fixture
def round_with_decisions(app, make_award):  # noqa: ANN001, ANN201
    """A round with three awards (one withdrawn) and one "do not fund", all released."""
    round_ = factories.make_round(reference_prefix="CIF-2027-")
    awards = [make_award(application=factories.make_application(round_=round_, submit=True)) for _ in range(3)]
    awards[2].status = AwardStatus.WITHDRAWN
    declined = make_decline(factories.make_application(round_=round_, submit=True))
    db.session.commit()
    return round_, awards, declined


def run(batch: LetterBatch, **kwargs) -> LetterBatch:  # noqa: ANN003
    jobs.run_letter_batch(batch.id, BASE_URL, **{"workers": 0, **kwargs})
    db.session.expire_all()
    return db.session.get(LetterBatch, batch.id)


def zip_entries(batch: LetterBatch) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(letter_batches.zip_bytes(batch))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_batch_issues_a_letter_to_every_award_and_every_group_turned_down(app, round_with_decisions):
    round_, awards, declined = round_with_decisions
    officer = make_officer()
    batch = letter_batches.start_batch(round_, by=officer)
    db.session.commit()
    expected = sorted([awards[0].application_id, awards[1].application_id, declined.application_id])
    assert (batch.status, batch.total, batch.done, batch.failed) == (BatchStatus.QUEUED, 3, 0, 0)
    assert sorted(batch.application_ids) == expected  # not the withdrawn award

    batch = run(batch)
    assert (batch.status, batch.done, batch.failed, batch.error) == (BatchStatus.FINISHED, 3, 0, None)
    assert batch.started_at is not None and batch.finished_at is not None
    issued = db.session.scalars(select(Letter).where(Letter.batch_id == batch.id)).all()
    assert sorted((letter.application_id, letter.kind) for letter in issued) == sorted(
        [(awards[0].application_id, LetterKind.AWARD), (awards[1].application_id, LetterKind.AWARD)]
        + [(declined.application_id, LetterKind.DECLINE)]
    )
    assert {letter.issued_by_id for letter in issued} == {officer.id}

    entries = zip_entries(batch)
    assert sorted(entries) == sorted(letter_batches.zip_name(letter, letter.application.reference) for letter in issued)
    for letter in issued:
        data = entries[letter_batches.zip_name(letter, letter.application.reference)]
        assert data.startswith(b"%PDF-") and sha256_of(data) == letter.sha256
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("letter%"))).all()
    assert sorted(actions) == ["letter.issued"] * 3 + ["letters.batch_finished", "letters.batch_started"]


def test_the_batch_letters_link_to_the_portal_it_was_started_from(app, round_with_decisions, outbox):
    round_, awards, _declined = round_with_decisions
    batch = run(letter_batches.start_batch(round_, by=make_officer()))
    letter = db.session.scalar(select(Letter).where(Letter.application_id == awards[0].application_id))
    assert batch.done == 3
    assert letter.context["doc"]["accept"]["link"].startswith("https://portal.example/applicant/")
    bodies = [
        n.body_text for n in db.session.scalars(select(Notification).where(Notification.template == "letter_issued"))
    ]
    assert f"https://portal.example/applicant/letters/{letter.id}.pdf" in "\n".join(bodies)


def test_groups_that_have_their_letter_are_left_out_unless_issued_again(app, round_with_decisions):
    round_, awards, _declined = round_with_decisions
    officer = make_officer()
    letters.issue_letter(awards[0].application, "award", by=officer, static_root=app.static_folder, links=LINKS)
    db.session.commit()
    first = run(letter_batches.start_batch(round_, by=officer))
    assert first.total == 2 and awards[0].application_id not in first.application_ids

    with pytest.raises(ServiceError, match="Every group in this round already has its letter"):
        letter_batches.start_batch(round_, by=officer)
    again = run(letter_batches.start_batch(round_, by=officer, reissue=True))
    assert (again.total, again.done, again.reissue) == (3, 3, True)
    versions = db.session.scalars(
        select(Letter.version).where(Letter.application_id == awards[0].application_id).order_by(Letter.version)
    ).all()
    assert versions == [1, 2]
    assert len(zip_entries(again)) == 3


def test_a_batch_is_refused_before_release_while_another_runs_and_for_non_officers(app, make_award):
    officer = make_officer()
    unreleased = make_award(released=False)
    with pytest.raises(ServiceError, match="Release the round's decisions first"):
        letter_batches.start_batch(unreleased.application.round, by=officer)

    round_ = make_award().application.round
    with pytest.raises(ServiceError, match="Only officers can issue letters"):
        letter_batches.start_batch(round_, by=factories.make_user())
    letter_batches.start_batch(round_, by=officer)
    db.session.commit()
    with pytest.raises(ServiceError, match="already being issued"):
        letter_batches.start_batch(round_, by=officer, reissue=True)


def test_a_letter_that_fails_is_counted_with_its_reason_and_the_rest_go_on(app, round_with_decisions, monkeypatch):
    round_, awards, _declined = round_with_decisions
    batch = letter_batches.start_batch(round_, by=make_officer())
    db.session.commit()
    bad = awards[1].application_id
    real = letters.render_letter

    def flaky(template_name, context, *, static_root):  # noqa: ANN001, ANN202
        if context["doc"]["reference"] == awards[1].application.reference:
            raise RuntimeError("a broken font")
        return real(template_name, context, static_root=static_root)

    monkeypatch.setattr(letters, "render_letter", flaky)
    awards[0].status = AwardStatus.WITHDRAWN  # withdrawn after the batch was queued
    db.session.commit()
    batch = run(batch)
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.FINISHED, 1, 2)
    assert batch.error.splitlines() == [
        f"{awards[0].application.reference}: This award has been withdrawn, so its letter cannot be issued.",
        f"{awards[1].application.reference}: The letter could not be made.",
    ]
    assert db.session.scalar(select(Letter).where(Letter.application_id == bad)) is None
    assert len(zip_entries(batch)) == 1


def test_a_batch_that_stops_part_way_is_marked_failed_and_keeps_what_it_issued(app, round_with_decisions, monkeypatch):
    round_, _awards, _declined = round_with_decisions
    batch = letter_batches.start_batch(round_, by=make_officer())
    db.session.commit()
    real, calls = letters.record_letter, []

    def breaks_on_second(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(letters, "record_letter", breaks_on_second)
    batch = run(batch)
    assert (batch.status, batch.done) == (BatchStatus.FAILED, 1)
    assert batch.error == "The batch stopped: OSError"
    assert db.session.scalar(select(db.func.count(Letter.id))) == 1


# --- the job runners -------------------------------------------------------------------------------


def _wait_for(batch_id: int, timeout: float = 120) -> LetterBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        batch = db.session.get(LetterBatch, batch_id)
        if batch.status not in letter_batches.ACTIVE:
            return batch
        time.sleep(0.2)
    raise AssertionError(f"batch {batch_id} did not finish in {timeout} s")


def test_synchronous_mode_runs_the_job_before_enqueue_returns(app, round_with_decisions):
    round_, _awards, _declined = round_with_decisions
    app.config["JOBS_SYNCHRONOUS"] = True
    batch = letter_batches.start_batch(round_, by=make_officer())
    db.session.commit()
    with app.test_request_context(base_url=BASE_URL):
        assert jobs.enqueue("portal.jobs.run_letter_batch", batch.id, BASE_URL) == "sync"
    db.session.expire_all()
    assert db.session.get(LetterBatch, batch.id).status == BatchStatus.FINISHED


def test_the_in_process_runner_renders_in_two_worker_processes_and_cleans_up(app, round_with_decisions):
    """The real thing without Redis: a background thread runs the job, two spawned processes render
    the PDFs (each with the templates' app, WeasyPrint and one FontConfiguration), the thread writes
    the rows; what they render is byte for byte what the whole app renders."""
    round_, _awards, _declined = round_with_decisions
    app.config["REDIS_URL"] = None  # whatever PORTAL_REDIS_URL the machine has
    assert jobs.RENDER_WORKERS == 2
    batch = letter_batches.start_batch(round_, by=make_officer())
    db.session.commit()
    with app.test_request_context(base_url=BASE_URL):
        assert jobs.job_mode(app) == "thread"
        assert jobs.enqueue("portal.jobs.run_letter_batch", batch.id, BASE_URL) == "thread"
    batch = _wait_for(batch.id)
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.FINISHED, 3, 0), batch.error
    issued = db.session.scalars(select(Letter).where(Letter.batch_id == batch.id)).all()
    for letter in issued:  # what the workers rendered is what this process renders from the record
        assert letters.reproduce(letter) == letters.letter_bytes(letter)
    assert len(zip_entries(batch)) == 3
    assert multiprocessing.active_children() == []  # the render pool has shut down


def test_a_letter_a_render_worker_cannot_make_comes_back_as_a_failure_and_the_pool_shuts_down(app):
    class Item:
        template_name, context = "no_such_letter.html", {}

    results = list(jobs.pool_renderer(app, workers=2)([Item(), Item(), Item()], app.static_folder))
    assert len(results) == 3 and all(isinstance(result, Exception) for _item, result in results)
    assert multiprocessing.active_children() == []


def test_a_render_process_loads_the_templates_and_their_filters_but_no_routes(app):
    from portal import create_render_app

    renderer = create_render_app(jobs.worker_config(app))
    assert {"money", "uk_date", "t"} <= set(renderer.jinja_env.filters)
    assert [rule.endpoint for rule in renderer.url_map.iter_rules()] == ["static"]
    assert not renderer.blueprints and "sqlalchemy" not in renderer.extensions
    assert len(list(app.url_map.iter_rules())) > 100  # the whole app has its routes


@pytest.fixture
def redis_url() -> str:
    """TEST_REDIS_URL, one database per xdist worker so parallel tests never share a queue. Redis
    is part of the stack: scripts/test starts it; without it, deselect these with -m "not redis"."""
    from redis import Redis

    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    url = f"{base.rsplit('/', 1)[0]}/{15 - int(worker.removeprefix('gw') or 0)}"
    try:
        Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"Redis is not reachable at {url} ({error}): start it, or deselect with -m 'not redis'")
    return url


@pytest.mark.redis
def test_with_redis_the_job_waits_in_the_queue_for_an_rq_worker(app, round_with_decisions, redis_url):
    from rq import SimpleWorker

    round_, _awards, _declined = round_with_decisions
    app.config["REDIS_URL"] = redis_url
    queue = jobs.rq_queue(app)
    queue.empty()
    try:
        batch = letter_batches.start_batch(round_, by=make_officer())
        db.session.commit()
        with app.test_request_context(base_url=BASE_URL):
            assert jobs.enqueue("portal.jobs.run_letter_batch", batch.id, BASE_URL) == "rq"
        assert queue.count == 1
        db.session.expire_all()
        assert db.session.get(LetterBatch, batch.id).status == BatchStatus.QUEUED  # nothing ran yet
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        batch = _wait_for(batch.id, timeout=5)
        assert (batch.status, batch.done) == (BatchStatus.FINISHED, 3)
    finally:
        queue.empty()
        queue.connection.close()


# --- the commands ----------------------------------------------------------------------------------


def test_run_letter_batch_runs_a_queued_batch_and_refuses_any_other(app, round_with_decisions):
    round_, _awards, _declined = round_with_decisions
    batch = letter_batches.start_batch(round_, by=make_officer())
    db.session.commit()
    command = ["run-letter-batch", str(batch.id), "--base-url", BASE_URL, "--workers", "0"]
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 0, result.output
    assert f"Letter batch {batch.id}: 3 of 3 letters issued, 0 failed." in result.output
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code != 0 and f"Letter batch {batch.id} is finished, not queued." in result.output
    result = app.test_cli_runner().invoke(args=["run-letter-batch", "999999", "--base-url", BASE_URL])
    assert result.exit_code != 0 and "There is no letter batch 999999." in result.output


def test_rq_worker_needs_redis_to_be_configured(app):
    result = app.test_cli_runner().invoke(args=["rq-worker", "--burst"])
    assert result.exit_code != 0 and "PORTAL_REDIS_URL is not set" in result.output


@pytest.mark.redis
def test_rq_worker_takes_the_jobs_waiting_in_the_queue(app, round_with_decisions, redis_url):
    round_, _awards, _declined = round_with_decisions
    app.config["REDIS_URL"] = redis_url
    queue = jobs.rq_queue(app)
    queue.empty()
    try:
        batch = letter_batches.start_batch(round_, by=make_officer())
        db.session.commit()
        queue.enqueue("portal.jobs.run_letter_batch", batch.id, BASE_URL, workers=0)
        result = app.test_cli_runner().invoke(args=["rq-worker", "--burst"])
        assert result.exit_code == 0, result.output
        assert "Waiting for jobs on the 'portal' queue." in result.output
        assert _wait_for(batch.id, timeout=5).done == 3
    finally:
        queue.empty()
        queue.connection.close()
