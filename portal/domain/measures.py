"""Output measures: what funded groups report against."""

from enum import StrEnum


class MeasureKind(StrEnum):
    NUMERIC = "numeric"
    QUALITATIVE = "qualitative"
