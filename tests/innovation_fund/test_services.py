"""The fund's services: every status move, every refusal, the deadline to the second."""

import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from cnca.notifications.models import OutboundEmail
from innovation_fund import services
from innovation_fund.models import Proposal, ProposalVersion, Stage, StatusChange
from members.models import CityMembership
from tests.factories import CityMembershipFactory, MemberCityFactory, StaffUserFactory
from tests.innovation_fund.factories import (
    BudgetLineFactory,
    FundRoundFactory,
    MilestoneFactory,
    ProposalFactory,
    make_finalist,
)

pytestmark = pytest.mark.django_db

Status = Proposal.Status
LA = zoneinfo.ZoneInfo("America/Los_Angeles")


@pytest.fixture
def fund_round():
    return FundRoundFactory()


@pytest.fixture
def staff():
    """A city staff member (the membership)."""
    return CityMembershipFactory()


@pytest.fixture
def draft(fund_round, staff):
    return ProposalFactory(round=fund_round, lead_city=staff.city, created_by=staff.user)


def emails(proposal):
    return OutboundEmail.objects.filter(object_id=str(proposal.pk)).order_by("pk")


def submitted(proposal, user):
    services.submit_proposal(proposal=proposal, user=user, version=proposal.version)
    proposal.refresh_from_db()
    return proposal


class _Rollback(Exception):
    pass


def and_roll_back(operation):
    """Run ``operation`` and undo what it wrote (it must not raise)."""
    try:
        with transaction.atomic():
            operation()
            raise _Rollback
    except _Rollback:
        pass


# --- Starting a letter of intent -------------------------------------------------------


def test_start_makes_a_draft_for_the_users_city(fund_round, staff):
    partner = MemberCityFactory()
    proposal, created = services.start_proposal(
        fund_round=fund_round,
        user=staff.user,
        data={"title": "Solar schools"},
        partner_cities=[partner, staff.city],
    )
    assert created
    assert proposal.status == Status.DRAFT
    assert proposal.lead_city == staff.city
    # The lead city is never its own partner.
    assert list(proposal.partner_cities.all()) == [partner]


def test_the_same_form_token_twice_makes_one_proposal(fund_round, staff):
    token = uuid.uuid4()
    first, created = services.start_proposal(
        fund_round=fund_round, user=staff.user, data={"title": "A"}, token=token
    )
    again, created_again = services.start_proposal(
        fund_round=fund_round, user=staff.user, data={"title": "A"}, token=token
    )
    assert created
    assert not created_again
    assert again == first
    assert Proposal.objects.count() == 1


def test_start_refuses_a_user_without_a_city(fund_round):
    with pytest.raises(services.NotAllowed):
        services.start_proposal(fund_round=fund_round, user=StaffUserFactory(), data={"title": "A"})


def test_start_refuses_an_amount_above_the_maximum(fund_round, staff):
    with pytest.raises(services.OverMaximum):
        services.start_proposal(
            fund_round=fund_round,
            user=staff.user,
            data={"title": "A", "requested_amount_usd": Decimal("100000.01")},
        )


def test_start_refuses_before_the_call_opens(staff, time_machine):
    fund_round = FundRoundFactory()
    time_machine.move_to(fund_round.call_opens_at - timedelta(seconds=1), tick=False)
    with pytest.raises(services.DeadlinePassed):
        services.start_proposal(fund_round=fund_round, user=staff.user, data={"title": "A"})


# --- The deadline, to the second ------------------------------------------------------


@pytest.mark.parametrize(
    "operation",
    ["start", "save", "submit", "withdraw"],
)
def test_one_second_before_the_deadline_works_and_at_it_is_refused(
    draft, staff, time_machine, operation
):
    deadline = draft.round.loi_deadline

    def run():
        if operation == "start":
            services.start_proposal(fund_round=draft.round, user=staff.user, data={"title": "N"})
        elif operation == "save":
            services.save_proposal(proposal=draft, user=staff.user, version=1, data={})
        elif operation == "submit":
            services.submit_proposal(proposal=draft, user=staff.user, version=1)
        else:
            services.withdraw_proposal(proposal=draft, user=staff.user)

    time_machine.move_to(deadline - timedelta(seconds=1), tick=False)
    and_roll_back(run)  # no refusal
    time_machine.move_to(deadline, tick=False)
    with pytest.raises(services.DeadlinePassed) as caught:
        run()
    assert caught.value.deadline == deadline
    assert caught.value.stage == Stage.LOI


def test_the_deadline_holds_across_a_daylight_saving_change(staff, time_machine):
    # Los Angeles moves from PST (UTC-8) to PDT (UTC-7) on 14 March 2027 at 02:00.
    # The call opens in winter time; the deadline, 17:00 local that day, is 00:00 UTC.
    fund_round = FundRoundFactory(
        time_zone="America/Los_Angeles",
        call_opens_at=datetime(2027, 3, 1, 9, 0, tzinfo=LA),
        loi_deadline=datetime(2027, 3, 14, 17, 0, tzinfo=LA),
    )
    assert fund_round.loi_deadline == datetime(2027, 3, 15, 0, 0, tzinfo=UTC)
    draft = ProposalFactory(round=fund_round, lead_city=staff.city)

    time_machine.move_to(datetime(2027, 3, 14, 23, 59, 59, tzinfo=UTC), tick=False)
    and_roll_back(lambda: submitted(draft, staff.user))
    draft.refresh_from_db()

    # At 17:00 PDT, one hour before 17:00 would be in winter time, it is refused.
    time_machine.move_to(datetime(2027, 3, 15, 0, 0, 0, tzinfo=UTC), tick=False)
    with pytest.raises(services.DeadlinePassed):
        submitted(draft, staff.user)


def test_the_full_proposal_deadline_governs_finalists(staff, time_machine):
    proposal = _finalist(staff)
    deadline = proposal.round.full_proposal_deadline
    time_machine.move_to(deadline, tick=False)
    with pytest.raises(services.DeadlinePassed) as caught:
        submitted(proposal, staff.user)
    assert caught.value.stage == Stage.FULL


# --- Submitting -----------------------------------------------------------------------


def test_submit_moves_records_snapshots_and_queues_the_emails(draft, staff):
    lead = CityMembershipFactory(city=staff.city, role=CityMembership.Role.LEAD_CONTACT)
    admin = StaffUserFactory()

    submitted(draft, staff.user)

    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.submitted_by == staff.user
    assert draft.submitted_at is not None
    change = StatusChange.objects.get(proposal=draft)
    assert (change.actor, change.from_status, change.to_status) == (
        staff.user,
        "draft",
        "submitted",
    )
    version = ProposalVersion.objects.get(proposal=draft)
    assert (version.stage, version.number, version.data["title"]) == ("loi", 1, draft.title)
    recipients = sorted(address for email in emails(draft) for address in email.to)
    assert recipients == sorted([staff.user.email, lead.user.email, admin.email])
    confirmation = emails(draft).get(to=[staff.user.email])
    assert draft.title in confirmation.subject
    assert f"/innovation-fund/apply/proposals/{draft.pk}/" in confirmation.text_body
    notice = emails(draft).get(to=[admin.email])
    assert "New letter of intent" in notice.subject
    assert f"/admin/innovation_fund/proposal/{draft.pk}/change/" in notice.text_body


def test_submit_lists_what_is_missing(fund_round, staff):
    proposal = ProposalFactory(
        round=fund_round, lead_city=staff.city, summary="", requested_amount_usd=None
    )
    with pytest.raises(services.Incomplete) as caught:
        submitted(proposal, staff.user)
    assert caught.value.missing == ["a summary", "the requested amount"]
    proposal.refresh_from_db()
    assert proposal.status == Status.DRAFT
    assert not StatusChange.objects.exists()


def test_a_summary_over_the_word_limit_cannot_be_submitted(draft, staff):
    Proposal.objects.filter(pk=draft.pk).update(summary="word " * 251)
    draft.refresh_from_db()
    with pytest.raises(services.Incomplete) as caught:
        submitted(draft, staff.user)
    assert "at most 250 words (it has 251)" in caught.value.missing[0]


def test_submitting_twice_is_refused_and_sends_nothing_twice(draft, staff):
    submitted(draft, staff.user)
    count = emails(draft).count()
    with pytest.raises(services.WrongStatus):
        services.submit_proposal(proposal=draft, user=staff.user, version=draft.version)
    assert emails(draft).count() == count
    assert StatusChange.objects.count() == 1


def test_submit_is_refused_when_the_proposal_changed_since_the_page_was_read(draft, staff):
    with pytest.raises(services.EditConflict):
        services.submit_proposal(proposal=draft, user=staff.user, version=draft.version - 1)


@pytest.mark.parametrize("who", ["partner", "other city"])
def test_only_lead_city_staff_change_a_proposal(draft, who):
    city = MemberCityFactory()
    if who == "partner":
        draft.partner_cities.add(city)
    user = CityMembershipFactory(city=city).user
    for call in (
        lambda: submitted(draft, user),
        lambda: services.withdraw_proposal(proposal=draft, user=user),
        lambda: services.save_proposal(proposal=draft, user=user, version=1, data={}),
    ):
        with pytest.raises(services.NotAllowed):
            call()


# --- Saving and editing after submit ---------------------------------------------------


def test_saving_a_draft_bumps_its_version(draft, staff):
    services.save_proposal(
        proposal=draft, user=staff.user, version=1, data={"title": "Better title"}
    )
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("Better title", 2)
    assert not emails(draft).exists()
    assert not StatusChange.objects.exists()


def test_a_second_save_from_a_stale_page_is_refused(draft, staff):
    colleague = CityMembershipFactory(city=staff.city).user
    services.save_proposal(proposal=draft, user=staff.user, version=1, data={"title": "Mine"})
    with pytest.raises(services.EditConflict):
        services.save_proposal(proposal=draft, user=colleague, version=1, data={"title": "Theirs"})
    draft.refresh_from_db()
    assert draft.title == "Mine"


def test_editing_after_submit_keeps_each_version_and_sends_a_notice(draft, staff):
    submitted(draft, staff.user)
    draft.refresh_from_db()
    services.save_proposal(
        proposal=draft, user=staff.user, version=draft.version, data={"title": "Second take"}
    )
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    versions = list(ProposalVersion.objects.filter(proposal=draft).order_by("number"))
    assert [v.data["title"] for v in versions] == [versions[0].data["title"], "Second take"]
    change = StatusChange.objects.filter(proposal=draft).last()
    assert (change.from_status, change.to_status) == ("submitted", "submitted")
    assert "version 2" in change.note
    notice = emails(draft).filter(subject__startswith="Changed").get()
    assert notice.to == [staff.user.email]


def test_an_edit_that_would_leave_a_submitted_proposal_incomplete_changes_nothing(draft, staff):
    submitted(draft, staff.user)
    draft.refresh_from_db()
    with pytest.raises(services.Incomplete):
        services.save_proposal(
            proposal=draft, user=staff.user, version=draft.version, data={"summary": ""}
        )
    draft.refresh_from_db()
    assert draft.summary
    assert ProposalVersion.objects.filter(proposal=draft).count() == 1


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.DECLINED, Status.AWARDED])
def test_a_closed_proposal_cannot_be_saved(draft, staff, status):
    Proposal.objects.filter(pk=draft.pk).update(status=status, submitted_at=draft.created_at)
    draft.refresh_from_db()
    with pytest.raises(services.WrongStatus):
        services.save_proposal(proposal=draft, user=staff.user, version=draft.version, data={})


def test_saving_over_the_maximum_is_refused(draft, staff):
    with pytest.raises(services.OverMaximum):
        services.save_proposal(
            proposal=draft,
            user=staff.user,
            version=1,
            data={"requested_amount_usd": Decimal("1000000")},
        )


# --- Withdrawing ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED])
def test_withdraw_from_each_loi_status(draft, staff, status):
    if status == Status.SUBMITTED:
        submitted(draft, staff.user)
    services.withdraw_proposal(proposal=draft, user=staff.user)
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN
    assert draft.withdrawn_at is not None
    change = StatusChange.objects.filter(proposal=draft).last()
    assert (change.from_status, change.to_status) == (status, "withdrawn")
    assert emails(draft).filter(subject__startswith="Withdrawn", to=[staff.user.email]).exists()


def test_a_finalist_can_withdraw_before_the_full_deadline(staff):
    proposal = _finalist(staff)
    services.withdraw_proposal(proposal=proposal, user=staff.user)
    assert proposal.status == Status.WITHDRAWN


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.DECLINED, Status.NOT_FUNDED])
def test_what_cannot_be_withdrawn(draft, staff, status):
    Proposal.objects.filter(pk=draft.pk).update(status=status, submitted_at=draft.created_at)
    draft.refresh_from_db()
    with pytest.raises(services.WrongStatus):
        services.withdraw_proposal(proposal=draft, user=staff.user)


# --- The committee's decisions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.SUBMITTED, Status.FINALIST),
        (Status.SUBMITTED, Status.DECLINED),
        (Status.FULL_SUBMITTED, Status.AWARDED),
        (Status.FULL_SUBMITTED, Status.NOT_FUNDED),
    ],
)
def test_each_committee_decision(draft, start, to):
    Proposal.objects.filter(pk=draft.pk).update(status=start, submitted_at=draft.created_at)
    draft.refresh_from_db()
    admin = StaffUserFactory()
    services.decide(proposal=draft, actor=admin, to=to)
    draft.refresh_from_db()
    assert draft.status == to
    assert StatusChange.objects.get(proposal=draft).actor == admin


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.DRAFT, Status.FINALIST),
        (Status.WITHDRAWN, Status.FINALIST),
        (Status.SUBMITTED, Status.AWARDED),
        (Status.FINALIST, Status.DECLINED),
    ],
)
def test_decisions_out_of_order_are_refused(draft, start, to):
    Proposal.objects.filter(pk=draft.pk).update(status=start, submitted_at=draft.created_at)
    draft.refresh_from_db()
    with pytest.raises(services.WrongStatus):
        services.decide(proposal=draft, actor=None, to=to)
    assert not StatusChange.objects.exists()


# --- The full proposal -----------------------------------------------------------------


def _finalist(staff):
    return make_finalist(ProposalFactory(lead_city=staff.city), staff.user)


def test_a_full_proposal_needs_budget_lines_that_add_up_and_milestones(staff):
    proposal = _finalist(staff)
    services.save_proposal(
        proposal=proposal,
        user=staff.user,
        version=proposal.version,
        data={"outcome_measures": "Flats converted", "work_plan": "Two estates, then all"},
        budget_lines=[{"description": "Study", "amount_usd": Decimal("30000")}],
        milestones=[],
    )
    proposal.refresh_from_db()
    with pytest.raises(services.Incomplete) as caught:
        submitted(proposal, staff.user)
    assert caught.value.missing == [
        "budget lines that add up to the requested 80,000.00 USD (they add up to 30,000.00)",
        "at least one milestone",
    ]

    BudgetLineFactory(proposal=proposal, description="Works", amount_usd=Decimal("50000"))
    MilestoneFactory(proposal=proposal)
    submitted(proposal, staff.user)
    proposal.refresh_from_db()
    assert proposal.status == Status.FULL_SUBMITTED
    version = ProposalVersion.objects.get(proposal=proposal, stage=Stage.FULL)
    assert [line["amount_usd"] for line in version.data["budget_lines"]] == ["30000.00", "50000.00"]
    assert emails(proposal).filter(subject__contains="full proposal").exists()
