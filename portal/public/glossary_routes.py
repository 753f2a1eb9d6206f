"""The glossary: the words about grants we cannot avoid, each explained in plain English.

Every term has an anchor (``/glossary#eoi``); pages link a term where it first appears with
``url_for("public.glossary", _anchor="eoi")``. The terms come from DOMAIN.md (its quick glossary and
the words the council's programmes use).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import lazy_gettext as _l

from portal.public.routes import bp


@dataclass(frozen=True)
class Term:
    anchor: str
    term: object  # a lazy string
    definition: object


TERMS: tuple[Term, ...] = (
    Term(
        "accountable-body",
        _l("Accountable body"),
        _l(
            "An organisation that receives the grant for a group without a constitution and answers for how the "
            "money is spent. It could be a local charity, community centre or faith organisation."
        ),
    ),
    Term(
        "award", _l("Award"), _l("The grant the council offers your group, with its amount, conditions and payments.")
    ),
    Term(
        "conflict-of-interest",
        _l("Conflict of interest"),
        _l(
            "When a panel member is linked to a group, for example as a member or a relative of someone in it. "
            "They then do not score that group's expression of interest."
        ),
    ),
    Term(
        "constituted-group",
        _l("Constituted group"),
        _l(
            "A group with a written set of rules (a constitution or governing document) that says what it is for "
            "and how it is run, with a committee or trustees."
        ),
    ),
    Term(
        "eoi",
        _l("Expression of interest (EOI)"),
        _l(
            "A short application that says what your group wants to do with a grant. A panel reads and scores "
            "it before the council decides."
        ),
    ),
    Term(
        "match-funding",
        _l("Match funding"),
        _l(
            "Money or help from somewhere else that pays for part of the same project, alongside this grant. "
            "You do not need it to apply."
        ),
    ),
    Term(
        "outcomes",
        _l("Outcomes"),
        _l("The difference your project makes for people, for example women feeling more confident to speak up."),
    ),
    Term(
        "outputs",
        _l("Outputs"),
        _l(
            "The things your project does or makes that can be counted or described, for example the number of "
            "sessions you run or the number of people who take part."
        ),
    ),
    Term(
        "panel",
        _l("Panel"),
        _l(
            "The Community Stakeholder Panel: local residents and people from voluntary groups who read and score "
            "expressions of interest and say which should be funded. The council makes the final decision."
        ),
    ),
    Term(
        "return",
        _l("Return"),
        _l(
            "A short report a funded group sends after each period of the grant: what it did, how many people "
            "took part, how much it spent and, if people agree, their stories."
        ),
    ),
    Term(
        "round",
        _l("Round"),
        _l("A time when the council invites groups to apply for grants, with a closing date."),
    ),
    Term(
        "safeguarding",
        _l("Safeguarding"),
        _l(
            "What your group does to keep children and adults at risk safe from harm, including who to tell if "
            "you are worried about someone."
        ),
    ),
    Term(
        "vcfse",
        _l("VCFSE"),
        _l("Voluntary, community, faith and social enterprise organisations: groups that are not run for profit."),
    ),
    Term(
        "work-stream",
        _l("Work stream (theme)"),
        _l("One of the themes a round funds, for example 'Get Communities Talking'. Your project fits one theme."),
    ),
)


@bp.route("/glossary")
def glossary():
    return render_template("public/glossary.html", terms=TERMS)
