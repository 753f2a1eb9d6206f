"""The officer's forms for a group's own record, on the assisted route: the group's details form and
its document form, each with how the group reached us and who in it asked.

Imported by the views of assisted_group_routes.py when they run, not when the officers' blueprint
is: portal/applicants/forms.py imports portal.officers.forms, so importing the group's forms while
the officers' package loads would go round in a circle."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from portal.applicants.forms import DocumentForm, OrganisationForm
from portal.officers.assisted_forms import channel_field, note_field
from portal.widgets import GovSubmitInput


class OrganisationForGroupForm(OrganisationForm):
    """The group's own details form, with how the group asked; without its equality answers, which
    are the group's own (the template leaves them out and the service keeps them)."""

    channel = channel_field()
    note = note_field(
        _l("Who in the group asked for the changes, and when"),
        _l("For example: Fatima Begum, the group's secretary, rang on 3 March: the group has moved."),
        _l("Record who in the group asked for the changes, and when"),
    )
    submit = SubmitField(_l("Save the group's details"), widget=GovSubmitInput())


class DocumentForGroupForm(DocumentForm):
    channel = channel_field()
    note = note_field(
        _l("Who in the group gave you the document, and when"),
        _l("For example: Fatima Begum, the group's secretary, posted it to us on 3 March."),
        _l("Record who in the group gave you the document, and when"),
    )
    submit = SubmitField(_l("Add the document"), widget=GovSubmitInput())
