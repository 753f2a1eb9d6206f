"""Which rounds have funded projects to follow (the programme dashboard's and the panel's choice of
round): those with an accepted, active or completed award, newest first; for a panel member, only
the rounds whose panel they sit on."""

from __future__ import annotations

from portal.domain.workflow import AwardStatus
from portal.services import monitoring
from tests import factories


def _award(round_, status):  # noqa: ANN001, ANN202
    application = factories.make_application(round_=round_, submit=True)
    return factories.make_award(application=application, status=status)


def test_rounds_with_a_live_award_newest_first_and_no_others(db):
    old, new = factories.make_round(title="Old"), factories.make_round(title="New")
    offers_only, empty = factories.make_round(title="Offers only"), factories.make_round(title="Empty")
    _award(old, AwardStatus.COMPLETED)
    _award(new, AwardStatus.OFFERED)  # an offer first: the round still counts for its later award
    _award(new, AwardStatus.ACTIVE)
    _award(new, AwardStatus.ACCEPTED)
    for status in (AwardStatus.OFFERED, AwardStatus.DECLINED, AwardStatus.WITHDRAWN):
        _award(offers_only, status)
    factories.make_application(round_=empty, submit=True)

    assert [r.title for r in monitoring.rounds_with_awards()] == ["New", "Old"]


def test_a_panel_member_sees_only_the_rounds_of_their_panels(db):
    sits, other = factories.make_round(title="Their panel"), factories.make_round(title="Another panel")
    member = factories.make_user()
    factories.make_panel(round_=sits, members=[member])
    factories.make_panel(round_=other, members=1)
    unfunded = factories.make_round(title="Their panel, nothing funded")
    factories.make_panel(round_=unfunded, members=[member])
    for round_ in (sits, other):
        _award(round_, AwardStatus.ACCEPTED)

    assert [r.title for r in monitoring.rounds_with_awards(panel_member=member)] == ["Their panel"]
    assert [r.title for r in monitoring.rounds_with_awards()] == ["Another panel", "Their panel"]
