"""Taking a member off a round's committee: one service, audited, reviews kept; the
admin's delete (one at a time and "delete selected") goes through it, for staff only."""

import pytest
from django.urls import reverse

from innovation_fund import queries
from innovation_fund.committee import access, services
from innovation_fund.models import (
    Assignment,
    CommitteeAuditEntry,
    CommitteeMember,
    Conflict,
    Review,
    Stage,
)
from tests.factories import CityMembershipFactory, MemberCityFactory, StaffUserFactory
from tests.innovation_fund.committee_factories import (
    AssignmentFactory,
    CommitteeMemberFactory,
    ReviewFactory,
    SubmittedProposalFactory,
    criteria,
    submitted_review,
)
from tests.innovation_fund.factories import FundRoundFactory

pytestmark = pytest.mark.django_db
Action = CommitteeAuditEntry.Action


@pytest.fixture
def staff():
    return StaffUserFactory()


@pytest.fixture
def fund_round():
    return FundRoundFactory()


@pytest.fixture
def seated(fund_round):
    """A member with three assignments (one scored, one drafted, one untouched) and a
    declared conflict on a fourth proposal."""
    member = CommitteeMemberFactory(round=fund_round)
    crit = criteria(fund_round, ["1", "1"])
    scored, drafted, untouched = (AssignmentFactory(member=member).proposal for _ in range(3))
    submitted_review(scored, member.user, dict.fromkeys(crit, 4))
    ReviewFactory(proposal=drafted, reviewer=member.user, comment="Half way")
    declined = SubmittedProposalFactory(round=fund_round)
    services.declare_conflict(user=member.user, proposal=declined, reason="I advised them.")
    return member, {"scored": scored, "drafted": drafted, "untouched": untouched}


def _entries(action):
    return CommitteeAuditEntry.objects.filter(action=action).order_by("proposal_id")


# --- The service ------------------------------------------------------------------------------


def test_removing_a_member_audits_the_seat_and_each_assignment_and_keeps_the_reviews(
    seated, staff, fund_round
):
    member, proposals = seated
    user = member.user
    before = queries.aggregates_of(proposals["scored"], Stage.LOI)

    assert services.remove_member(member=member, actor=staff) is True

    assert not CommitteeMember.objects.filter(pk=member.pk).exists()
    assert not Assignment.objects.filter(member_id=member.pk).exists()
    assert not Conflict.objects.filter(member_id=member.pk).exists()
    # The reviews are the person's: both stay, and the submitted one still counts.
    assert Review.objects.get(proposal=proposals["scored"], reviewer=user).is_submitted
    assert Review.objects.get(proposal=proposals["drafted"], reviewer=user).comment == "Half way"
    after = queries.aggregates_of(proposals["scored"], Stage.LOI)
    assert after == before
    assert after["review_count"] == 1

    removed = CommitteeAuditEntry.objects.get(action=Action.MEMBER_REMOVED)
    assert (removed.actor, removed.round, removed.subject) == (staff, fund_round, str(user))
    ordered = sorted(proposals.values(), key=lambda p: p.pk)
    assert removed.changes["assignments removed"] == [[[p.pk, "loi"] for p in ordered], []]
    declined = CommitteeAuditEntry.objects.get(action=Action.CONFLICT_DECLARED).proposal
    assert removed.changes["declared conflicts removed"] == [
        [[declined.pk, "I advised them."]],
        [],
    ]
    kept = sorted(
        [[proposals["scored"].pk, "loi", "submitted"], [proposals["drafted"].pk, "loi", "draft"]]
    )
    assert removed.changes["reviews kept"] == [kept, kept]

    unassigned = list(_entries(Action.UNASSIGNED))
    assert [e.proposal for e in unassigned] == ordered
    assert {(e.actor, e.stage, e.subject) for e in unassigned} == {(staff, "loi", str(user))}
    by_proposal = {e.proposal: e.changes for e in unassigned}
    assert by_proposal[proposals["scored"]]["review kept"] == ["submitted", "submitted"]
    assert by_proposal[proposals["drafted"]]["review kept"] == ["draft", "draft"]
    assert "review kept" not in by_proposal[proposals["untouched"]]


def test_the_other_rounds_seat_and_reviews_are_untouched(seated, staff):
    member, _ = seated
    elsewhere = CommitteeMemberFactory(user=member.user)
    their_assignment = AssignmentFactory(member=elsewhere)

    services.remove_member(member=member, actor=staff)

    assert CommitteeMember.objects.filter(pk=elsewhere.pk).exists()
    assert Assignment.objects.filter(pk=their_assignment.pk).exists()
    assert _entries(Action.UNASSIGNED).filter(proposal=their_assignment.proposal).count() == 0


def test_removing_a_member_twice_audits_once(seated, staff):
    member, _ = seated
    stale = CommitteeMember.objects.get(pk=member.pk)

    services.remove_member(member=member, actor=staff)
    assert services.remove_member(member=stale, actor=staff) is False

    assert _entries(Action.MEMBER_REMOVED).count() == 1
    assert _entries(Action.UNASSIGNED).count() == 3


def test_only_alliance_staff_remove_a_member(seated, fund_round):
    member, _ = seated
    colleague = CommitteeMemberFactory(round=fund_round).user

    with pytest.raises(services.NotAllowed):
        services.remove_member(member=member, actor=colleague)

    assert CommitteeMember.objects.filter(pk=member.pk).exists()
    assert Assignment.objects.filter(member=member).count() == 3
    assert not _entries(Action.MEMBER_REMOVED).exists()


def test_a_member_put_back_gets_their_automatic_conflicts_again(fund_round, staff):
    """Own-city conflicts are recorded again from the member's city."""
    city = MemberCityFactory(name="Copenhagen")
    member = CommitteeMemberFactory(round=fund_round)
    CityMembershipFactory(user=member.user, city=city)
    own = SubmittedProposalFactory(round=fund_round, lead_city=city)
    services.record_automatic_conflicts(fund_round)
    services.remove_member(member=member, actor=staff)

    again = services.add_member(fund_round=fund_round, user=member.user, actor=staff)

    assert list(Conflict.objects.filter(member=again).values_list("proposal", flat=True)) == [
        own.pk
    ]


def test_a_member_put_back_is_hidden_again_from_what_they_declared(fund_round, staff):
    member = CommitteeMemberFactory(round=fund_round)
    declared = SubmittedProposalFactory(round=fund_round)
    other = SubmittedProposalFactory(round=fund_round)
    services.declare_conflict(user=member.user, proposal=declared, reason="I advised them.")
    services.remove_member(member=member, actor=staff)
    assert not access.is_conflicted(member.user, declared)  # no seat, nothing recorded

    again = services.add_member(fund_round=fund_round, user=member.user, actor=staff)

    conflict = Conflict.objects.get(member=again)
    assert (conflict.proposal, conflict.kind, conflict.reason) == (
        declared,
        Conflict.Kind.DECLARED,
        "I advised them.",
    )
    assert access.is_conflicted(member.user, declared)
    assert not access.is_conflicted(member.user, other)
    assert list(access.visible_proposals(member.user)) == [other]


# --- The admin ------------------------------------------------------------------------------


def _delete_url(member):
    return reverse("admin:innovation_fund_committeemember_delete", args=[member.pk])


CHANGELIST = "admin:innovation_fund_committeemember_changelist"


def test_deleting_a_member_in_the_admin_goes_through_the_service(client, seated, staff):
    member, _ = seated
    client.force_login(staff)

    page = client.get(_delete_url(member))
    assert page.status_code == 200
    response = client.post(_delete_url(member), {"post": "yes"})

    assert response.status_code == 302
    assert not CommitteeMember.objects.filter(pk=member.pk).exists()
    removed = CommitteeAuditEntry.objects.get(action=Action.MEMBER_REMOVED)
    assert removed.actor == staff
    assert _entries(Action.UNASSIGNED).count() == 3
    assert Review.objects.filter(reviewer=member.user).count() == 2


def test_deleting_selected_members_audits_each(client, seated, staff, fund_round):
    member, _ = seated
    other = CommitteeMemberFactory(round=fund_round)
    AssignmentFactory(member=other)
    keep = CommitteeMemberFactory(round=fund_round)
    client.force_login(staff)

    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "delete_selected",
            "_selected_action": [str(member.pk), str(other.pk)],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert list(CommitteeMember.objects.values_list("pk", flat=True)) == [keep.pk]
    assert sorted(_entries(Action.MEMBER_REMOVED).values_list("subject", flat=True)) == sorted(
        [str(member.user), str(other.user)]
    )
    assert _entries(Action.UNASSIGNED).count() == 4
    assert Review.objects.filter(reviewer=member.user, submitted_at__isnull=False).count() == 1


def test_a_committee_member_cannot_delete_a_member(client, seated, fund_round):
    member, _ = seated
    colleague = CommitteeMemberFactory(round=fund_round).user
    client.force_login(colleague)

    assert client.get(_delete_url(member)).status_code == 403
    assert client.post(_delete_url(member), {"post": "yes"}).status_code == 403
    response = client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": [str(member.pk)], "post": "yes"},
    )
    assert response.status_code == 403

    assert CommitteeMember.objects.filter(pk=member.pk).exists()
    assert Assignment.objects.filter(member=member).count() == 3
    assert not _entries(Action.MEMBER_REMOVED).exists()


def test_the_audit_admin_lists_the_removal(client, seated, staff):
    member, _ = seated
    services.remove_member(member=member, actor=staff)
    client.force_login(staff)
    url = reverse("admin:innovation_fund_committeeauditentry_changelist")

    listed = client.get(url + "?action=member_removed")
    assert listed.status_code == 200
    [entry] = listed.context["cl"].result_list
    assert entry.action == Action.MEMBER_REMOVED
    assert "Member removed" in listed.content.decode()
    assert "Member removed" in client.get(url).content.decode()  # also among the choices

    page = client.get(reverse("admin:innovation_fund_committeeauditentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert "I advised them." in page.content.decode()
