"""Messages that domain rules give to people, kept translatable without importing Flask.

``N_`` marks a string for extraction into the catalogue (one of pybabel's default keywords); the web
layer translates the message when it shows it, filling in ``params`` after translation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def N_(text: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return text


@dataclass(frozen=True)
class Message:
    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:  # English, for logs and audit notes
        return self.text % self.params if self.params else self.text
