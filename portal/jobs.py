"""Background jobs, so that a web request never does long work (it never renders more than one letter).

``enqueue("portal.jobs.run_letter_batch", batch_id, base_url)`` runs a job:

- **RQ on Redis** when ``REDIS_URL`` is set: the job waits in the ``portal`` queue until a worker
  takes it (``flask rq-worker``, see portal/letters_cli.py);
- otherwise **in this process**: one background thread per process runs jobs one after another;
- **synchronously**, in the caller, when ``JOBS_SYNCHRONOUS`` is set in the configuration (tests only:
  the job is done when ``enqueue`` returns).

A letter batch renders its PDFs in a pool of two worker processes (both cores of the machine), each
made once with the app, WeasyPrint imported once and one FontConfiguration; the job's own thread
writes the letters and the batch's progress to the database as each PDF comes back.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context, url_for

QUEUE_NAME = "portal"
JOB_TIMEOUT = 60 * 60  # seconds: a batch of a few hundred letters takes minutes
RENDER_WORKERS = 2
OFFER_ENDPOINT = "applicants.award_offer"  # the group's offer page (acceptance); its status page if missing

log = logging.getLogger(__name__)

_runner: ThreadPoolExecutor | None = None
_worker_app: Flask | None = None  # in a render worker process: its app


# --- running a job --------------------------------------------------------------------------------


def _resolve(func_path: str) -> Callable[..., Any]:
    module, _, name = func_path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def job_mode(app: Flask) -> str:
    """``rq``, ``sync`` (tests) or ``thread``."""
    if app.config.get("JOBS_SYNCHRONOUS"):
        return "sync"
    return "rq" if app.config.get("REDIS_URL") else "thread"


def rq_queue(app: Flask):  # noqa: ANN201
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


def _run_in_app(app: Flask, func_path: str, args: tuple[Any, ...]) -> None:
    from portal.extensions import db

    with app.app_context():
        try:
            _resolve(func_path)(*args)
        except Exception:
            log.exception("background job %s%r failed", func_path, args)
        finally:
            db.session.remove()


def enqueue(func_path: str, *args: Any) -> str:
    """Run ``func_path(*args)`` in the background (see the module's docstring); returns the mode.
    Call it after committing what the job reads."""
    global _runner
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    mode = job_mode(app)
    if mode == "rq":
        rq_queue(app).enqueue(func_path, *args, job_timeout=JOB_TIMEOUT)
    elif mode == "sync":
        _resolve(func_path)(*args)
    else:
        if _runner is None:
            _runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-jobs")
        _runner.submit(_run_in_app, app, func_path, args)
    return mode


# --- links for letters (services build no URLs) -------------------------------------------------------


def letter_links():  # noqa: ANN201
    """Absolute links for letters and their e-mails, made with ``url_for`` in the current request
    (or a test request context made from the portal's base URL, in a background job)."""
    from portal.services.letters import LetterLinks

    offer = OFFER_ENDPOINT if OFFER_ENDPOINT in current_app.view_functions else "applicants.application_detail"
    return LetterLinks(
        offer=lambda application: url_for(offer, application_id=application.id, _external=True),
        download=lambda letter: url_for("applicants.download_letter", letter_id=letter.id, _external=True),
    )


# --- rendering letters in worker processes --------------------------------------------------------------


def _worker_start(config: dict[str, Any]) -> None:
    """Each render worker: the templates' app once (``create_render_app``: not the routes), WeasyPrint
    imported once, one FontConfiguration."""
    global _worker_app
    from portal import create_render_app
    from portal.pdf import _weasyprint, font_config

    _worker_app = create_render_app(config)
    _worker_app.app_context().push()
    _weasyprint()
    font_config()


def _worker_render(template_name: str, context: dict[str, Any], static_root: str) -> bytes:
    from portal.services.letters import render_letter

    return render_letter(template_name, context, static_root=static_root)


def worker_config(app: Flask) -> dict[str, Any]:
    """The settings a render worker is made with: the app's own (plain values only)."""
    from portal.config import SETTINGS

    config = {s.name: app.config[s.name] for s in SETTINGS if s.name in app.config}
    config["INSTANCE_PATH"] = app.instance_path
    return config


def pool_renderer(app: Flask, *, workers: int = RENDER_WORKERS):  # noqa: ANN201
    """A batch renderer using ``workers`` processes (spawned, not forked: the web process has threads)."""

    def render(items, static_root: str) -> Iterator:  # noqa: ANN001
        if not items:
            return
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_worker_start, initargs=(worker_config(app),)
        )
        try:
            pending: dict[Future, Any] = {
                pool.submit(_worker_render, item.template_name, item.context, static_root): item for item in items
            }
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    item = pending.pop(future)
                    error = future.exception()
                    yield item, (error if error is not None else future.result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    return render


# --- the letter batch job --------------------------------------------------------------------------------


def run_letter_batch(batch_id: int, base_url: str, *, workers: int | None = None) -> None:
    """Issue a batch's letters, committing after each one so its progress page moves. Runs in an
    RQ worker, the in-process runner's thread, or (tests) the caller. ``workers``: render processes
    (default two; ``0`` renders here, one at a time, as the synchronous test mode does)."""
    if not has_app_context():
        from portal import create_app

        with create_app().app_context():
            run_letter_batch(batch_id, base_url, workers=workers)
        return

    from portal.extensions import db
    from portal.services import letter_batches

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if workers is None:
        workers = 0 if app.config.get("JOBS_SYNCHRONOUS") else RENDER_WORKERS
    renderer = pool_renderer(app, workers=workers) if workers else letter_batches.render_here
    static_root = str(Path(app.static_folder))
    with app.test_request_context(base_url=base_url):
        links = letter_links()
        try:
            for _batch in letter_batches.run_batch(batch_id, links=links, static_root=static_root, renderer=renderer):
                db.session.commit()
        except Exception as exc:
            log.exception("letter batch %s stopped", batch_id)
            db.session.rollback()
            letter_batches.fail_batch(batch_id, f"The batch stopped: {exc.__class__.__name__}")
            db.session.commit()
