"""HTML kept in this process under a key that names everything it was rendered from, so that two
renderings share it only if they would have given the same HTML anyway. What is kept and under
which key is the caller's to say: ``portal.widgets`` (a GOV.UK field, under its parameters),
``portal.panel.kept_eoi`` (what a group sent, as the panel reads it),
``portal.panel.review_fields`` (a criterion's fields on the review form) and
``portal.panel.queue_rows`` (a row of a member's queue).
Nothing kept here leaves the process; the least recently used is dropped first, so each store's
size bounds its memory. What was rendered from a record that is then scrubbed or deleted stays in
the process's memory (never shown again: no key reaches it) until it is dropped or the process
restarts; nothing of it is written anywhere."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app
from markupsafe import Markup

K = TypeVar("K", bound="KeptHtml")


class KeptHtml:
    """Rendered HTML by key, ``size`` entries at most."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], object]) -> object:
        """What ``render()`` gave for ``key``, rendering it only if it is not kept. ``render`` gives
        text our own templates made (a string, or a tuple of them): it is kept as it is."""
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None:
                self._entries.move_to_end(key)
                return kept
        made = render()
        with self._lock:
            self._entries[key] = made
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return made

    def html(self, key: Hashable, render: Callable[[], str]) -> Markup:
        """``get`` for one piece of HTML."""
        # Our own templates' output, escaped as they rendered it.
        return Markup(self.get(key, lambda: str(render())))  # noqa: S704  # nosec B704

    def __len__(self) -> int:
        return len(self._entries)


def kept_for_app(name: str, make: Callable[[], K]) -> K:
    """This app's store ``name`` (``make()`` on first use)."""
    kept = current_app.extensions.get(name)
    if kept is None:
        kept = current_app.extensions.setdefault(name, make())
    return kept
