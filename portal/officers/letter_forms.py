"""Officer forms for letters: issue (or issue again) one group's letter, and issue every letter of a
round in one go. They check shape; services.letters and services.letter_batches check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField

from portal.forms import PortalForm
from portal.widgets import GovCheckboxInput, GovSubmitInput


class IssueLetterForm(PortalForm):
    issue = SubmitField(_l("Issue the letter"), widget=GovSubmitInput())


class LetterBatchForm(PortalForm):
    reissue = BooleanField(
        _l("Issue again to groups that already have one"),
        description=_l(
            "Each group then has a new version of its letter, and is e-mailed again. Old versions are kept."
        ),
        widget=GovCheckboxInput(),
    )
    start = SubmitField(_l("Issue all letters for this round"), widget=GovSubmitInput())
