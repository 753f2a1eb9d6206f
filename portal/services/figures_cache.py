"""Figures that cover a whole round or work stream (the programme dashboard's progress and equality
monitoring, the moderation page's ranking, the public register's counts, which rounds have awards)
are worked out by the database from every award, return or review they cover: the cost grows with
the data. They are kept, per process, until anything changes.

"Anything changes" is read from the audit trail: every service that changes what a page counts
records an audit event in the same transaction (``portal.services.audit``), so the newest event's
id is a version of the whole database, read in one index lookup. Figures are kept under their key
and that version, so a change is seen on the next request; a kept entry also expires after
``FIGURES_CACHE_SECONDS`` (default 60), which bounds how long a change made without an audit event
(a restore, a script) could go unseen. ``FIGURES_CACHE_SECONDS = 0`` turns keeping off.

Callers get their own copy of what is kept: changing it cannot change what the next request sees.
Figures are kept pickled (unpickling a moderation page takes 0.6 ms; a deep copy 3 ms). The bytes
are made here, from this process's own figures, and never leave it.
"""

from __future__ import annotations

import pickle  # nosec B403
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent

T = TypeVar("T")

_VERSION = "figures_cache.last_change"  # where a session keeps the version it read
MAX_ENTRIES = 64  # rounds × work streams × pages an officer is likely to look at; the oldest go first


class FiguresCache:
    """Figures by key, each kept with the version it was worked out at, for ``seconds`` at most."""

    def __init__(self, seconds: float, *, size: int = MAX_ENTRIES, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self._entries: OrderedDict[Hashable, tuple[int, float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: int, work: Callable[[], T]) -> T:
        """What ``work()`` gave for ``key`` at ``version`` if kept and not expired, else ``work()``
        (then kept). Always a copy."""
        if self.seconds <= 0:
            return work()
        now = self.clock()
        with self._lock:
            kept = self._entries.get(key)
            fresh = kept is not None and kept[0] == version and now - kept[1] < self.seconds
            if fresh:
                self._entries.move_to_end(key)
        if fresh:
            # Bytes this process pickled itself (below), never data from outside.
            return pickle.loads(kept[2])  # noqa: S301  # nosec B301
        value = work()
        with self._lock:
            self._entries[key] = (version, now, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)


def last_change() -> int:
    """The newest audit event's id (0 before any): changes whenever a service changes anything.
    Read once per transaction (a page may keep several figures), and again after the transaction
    records an event of its own (``audit.record`` calls ``forget_last_change``)."""
    kept = db.session.info.get(_VERSION)
    if kept is not None and kept[0] is db.session().get_transaction():
        return kept[1]
    version = _newest_event()
    db.session.info[_VERSION] = (db.session().get_transaction(), version)
    return version


def forget_last_change() -> None:
    db.session.info.pop(_VERSION, None)


def _newest_event() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def the_cache(kind: str = "figures") -> FiguresCache:
    """This app's cache of ``kind`` (made on first use, with the app's ``FIGURES_CACHE_SECONDS``).
    Each kind has its own entries: the rendered parts of pages (``portal.kept_parts``) do not push
    out the figures they were drawn from."""
    name = f"{kind}_cache"
    cache = current_app.extensions.get(name)
    if cache is None:
        cache = current_app.extensions.setdefault(
            name, FiguresCache(current_app.config.get("FIGURES_CACHE_SECONDS", 60))
        )
    return cache


def remembered(key: Hashable, work: Callable[[], T], *, kind: str = "figures") -> T:
    """``work()``'s figures for ``key``, worked out again only when something has changed since
    (or they have been kept longer than ``FIGURES_CACHE_SECONDS``)."""
    cache = the_cache(kind)
    if cache.seconds <= 0:
        return work()
    return cache.get(key, last_change(), work)
