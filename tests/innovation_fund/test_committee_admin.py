"""The committee's admin: the permission matrix, the scoring page, the blind rule,
the ranking (bounded queries, filters, CSV) and batch decisions across pages."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from innovation_fund.committee import services
from innovation_fund.models import Decision, Review
from members.services import SELECTION_COMMITTEE_GROUP
from tests.factories import CityMembershipFactory, MemberCityFactory, StaffUserFactory
from tests.innovation_fund.committee_factories import (
    AssignmentFactory,
    CommitteeMemberFactory,
    SubmittedProposalFactory,
    criteria,
    submitted_review,
)
from tests.innovation_fund.factories import FundRoundFactory
from tests.pagetext import text_of
from tests.querycount import queries_of_get

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:innovation_fund_proposal_changelist"


def _change(proposal):
    return reverse("admin:innovation_fund_proposal_change", args=[proposal.pk])


def _score(proposal, stage="loi"):
    return reverse("admin:innovation_fund_proposal_score", args=[proposal.pk, stage])


@pytest.fixture
def fund_round():
    return FundRoundFactory()


@pytest.fixture
def crit(fund_round):
    return criteria(fund_round, ["1", "2"])


@pytest.fixture
def member(fund_round):
    """A committee member of Copenhagen on the round."""
    member = CommitteeMemberFactory(round=fund_round)
    CityMembershipFactory(user=member.user, city=MemberCityFactory(name="Copenhagen"))
    return member


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


# --- The permission matrix ----------------------------------------------------------------


def test_a_member_sees_only_their_rounds_unconflicted_proposals(member, member_client, fund_round):
    city = member.user.city_membership.city
    assigned = AssignmentFactory(member=member).proposal
    own_city = SubmittedProposalFactory(round=fund_round, lead_city=city, title="Own city lead")
    partner = SubmittedProposalFactory(round=fund_round, title="Own city partner")
    partner.partner_cities.add(city)
    declared = SubmittedProposalFactory(round=fund_round, title="Declared one")
    services.declare_conflict(user=member.user, proposal=declared, reason="My spouse leads it.")
    other_round = SubmittedProposalFactory(title="Another round")
    draft = SubmittedProposalFactory(round=fund_round, status="draft", submitted_at=None)

    response = member_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [assigned]

    for hidden in (own_city, partner, declared, other_round, draft):
        for url in (_change(hidden), _score(hidden)):
            response = member_client.get(url)
            assert response.status_code in (302, 404), url
            assert hidden.title.encode() not in response.content
        # Typing the id into the change URL lands on the admin index, not the proposal.
        response = member_client.get(_change(hidden), follow=True)
        assert hidden.title not in response.content.decode()


def test_a_member_is_refused_other_admin_pages(member_client):
    for name in (
        "admin:members_user_changelist",
        "admin:notifications_outboundemail_changelist",
        "admin:innovation_fund_fundround_changelist",
        "admin:innovation_fund_decision_changelist",
        "admin:innovation_fund_committeeauditentry_changelist",
        "admin:innovation_fund_assignment_changelist",
        "admin:innovation_fund_conflict_changelist",
    ):
        assert member_client.get(reverse(name)).status_code == 403, name
    index = member_client.get(reverse("admin:index")).content.decode()
    assert "Proposals" in index
    assert "Users" not in index
    assert "Outbox" not in index


def test_a_member_sees_only_their_own_reviews(member, member_client, fund_round, crit):
    mine = submitted_review(
        AssignmentFactory(member=member).proposal, member.user, dict.fromkeys(crit, 3)
    )
    others = submitted_review(
        SubmittedProposalFactory(round=fund_round), StaffUserFactory(), dict.fromkeys(crit, 3)
    )
    response = member_client.get(reverse("admin:innovation_fund_review_changelist"))
    assert list(response.context["cl"].result_list) == [mine]
    url = reverse("admin:innovation_fund_review_change", args=[others.pk])
    assert member_client.get(url).status_code == 302  # "does not exist" -> admin index


def test_staff_only_pages_refuse_a_member(member_client, fund_round):
    proposal = SubmittedProposalFactory(round=fund_round)
    for name, args in (
        ("admin:innovation_fund_proposal_decide", [proposal.pk]),
        ("admin:innovation_fund_proposal_release", [fund_round.pk, "loi"]),
        ("admin:innovation_fund_proposal_export", [fund_round.pk, "loi"]),
        ("admin:innovation_fund_proposal_assign", [fund_round.pk, "loi"]),
        ("admin:innovation_fund_proposal_progress", [fund_round.pk, "loi"]),
    ):
        assert member_client.get(reverse(name, args=args)).status_code in (403, 404), name
    response = member_client.post(
        reverse("admin:innovation_fund_proposal_release", args=[fund_round.pk, "loi"])
    )
    assert response.status_code == 403


def test_a_staff_user_outside_the_committee_group_sees_nothing(client, fund_round):
    user = StaffUserFactory(is_superuser=False)
    CommitteeMemberFactory(round=fund_round, user=user)
    assert not user.groups.filter(name=SELECTION_COMMITTEE_GROUP).exists()
    SubmittedProposalFactory(round=fund_round)
    client.force_login(user)
    assert client.get(reverse(CHANGELIST)).status_code == 403


# --- Scoring, the blind rule, conflicts ------------------------------------------------------


def test_scoring_a_draft_then_a_missing_score_then_submitting(member, member_client, crit):
    proposal = AssignmentFactory(member=member).proposal
    first, second = crit
    page = member_client.get(_score(proposal))
    assert page.status_code == 200
    assert first.guidance in page.content.decode()

    response = member_client.post(
        _score(proposal),
        {f"criterion_{first.pk}": "4", "recommendation": "yes", "comment": "Good", "_submit": "1"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "To submit, complete: " + second.name in body
    assert "Good</textarea>" in body  # what was typed is kept
    assert not Review.objects.filter(submitted_at__isnull=False).exists()

    response = member_client.post(
        _score(proposal),
        {
            f"criterion_{first.pk}": "4",
            f"criterion_{second.pk}": "na",
            "recommendation": "yes",
            "_submit": "1",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.is_submitted
    assert review.weighted_score == pytest.approx(4.0)


def test_the_form_is_locked_after_the_scoring_deadline(member, member_client, crit, fund_round):
    proposal = AssignmentFactory(member=member).proposal
    fund_round.loi_scoring_deadline = timezone.now() - timedelta(seconds=1)
    fund_round.finalists_announced_at = timezone.now() + timedelta(days=1)
    fund_round.loi_deadline = timezone.now() - timedelta(days=1)
    fund_round.call_opens_at = timezone.now() - timedelta(days=10)
    fund_round.save()
    response = member_client.post(
        _score(proposal),
        {f"criterion_{c.pk}": "3" for c in crit} | {"recommendation": "no", "_submit": "1"},
    )
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    assert not Review.objects.exists()


def test_blind_until_scored(member, member_client, crit, fund_round):
    proposal = AssignmentFactory(member=member).proposal
    other = CommitteeMemberFactory(round=fund_round)
    AssignmentFactory(member=other, proposal=proposal)
    submitted_review(proposal, other.user, {crit[0]: 5, crit[1]: 1}, "maybe")
    body = member_client.get(_change(proposal)).content.decode()
    assert "Aggregate of the submitted reviews" not in body
    assert str(other.user) not in body
    assert "once you have submitted your own review" in body

    member_client.post(
        _score(proposal),
        {
            f"criterion_{crit[0].pk}": "3",
            f"criterion_{crit[1].pk}": "3",
            "recommendation": "yes",
            "_submit": "1",
        },
    )
    body = member_client.get(_change(proposal)).content.decode()
    assert "Aggregate of the submitted reviews" in body
    assert str(other.user) in body


def test_declaring_a_conflict_from_the_admin(member, member_client):
    proposal = AssignmentFactory(member=member).proposal
    url = reverse("admin:innovation_fund_proposal_conflict", args=[proposal.pk])
    response = member_client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    response = member_client.post(url, {"reason": "I reviewed it for another funder."})
    assert response.status_code == 302
    assert member_client.get(_change(proposal)).status_code == 302


# --- The ranking --------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client


def _ranked_round(size, crit_weights=("1", "1")):
    fund_round = FundRoundFactory(budget_usd=Decimal("1000000"))
    crit = criteria(fund_round, crit_weights)
    reviewers = [CommitteeMemberFactory(round=fund_round).user for _ in range(3)]
    proposals = SubmittedProposalFactory.create_batch(size, round=fund_round)
    for index, proposal in enumerate(proposals[:10]):
        for reviewer in reviewers:
            submitted_review(proposal, reviewer, dict.fromkeys(crit, 1 + index % 5))
    return fund_round


def test_ranking_query_count_is_the_same_for_10_and_500_proposals(staff_client):
    counts = []
    for size in (10, 500):
        fund_round = _ranked_round(size)
        url = reverse(CHANGELIST) + f"?round={fund_round.pk}&stage=loi"
        counts.append(queries_of_get(staff_client, url))
    assert counts[0] == counts[1]


def test_the_ranking_shows_the_best_first_with_the_running_total(staff_client):
    fund_round = _ranked_round(12)
    response = staff_client.get(reverse(CHANGELIST) + f"?round={fund_round.pk}&stage=loi")
    rows = list(response.context["cl"].result_list)
    assert rows[0].score_mean == pytest.approx(5.0)
    assert rows[0].rank == 1
    assert float(rows[1].running_total) == 160000
    body = response.content.decode()
    assert "Release the decisions" in body
    # The disagreement filter: every proposal here has full agreement.
    response = staff_client.get(
        reverse(CHANGELIST) + f"?round={fund_round.pk}&stage=loi&disagreement=0.5"
    )
    assert list(response.context["cl"].result_list) == []


def test_csv_export_has_every_score_and_comment(staff_client, fund_round, crit):
    proposal = SubmittedProposalFactory(round=fund_round)
    reviewer = CommitteeMemberFactory(round=fund_round).user
    review = submitted_review(proposal, reviewer, {crit[0]: 4, crit[1]: None})
    Review.objects.filter(pk=review.pk).update(comment="=HYPERLINK(evil)")
    url = reverse("admin:innovation_fund_proposal_export", args=[fund_round.pk, "loi"])
    response = staff_client.get(url)
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 3
    assert [row[-1] for row in rows[1:]] == ["4", "n/a"]
    assert rows[1][7] == "'=HYPERLINK(evil)"


def test_a_batch_action_applies_to_every_matching_proposal_across_pages(staff_client, fund_round):
    from innovation_fund.committee.admin import ProposalAdmin

    proposals = SubmittedProposalFactory.create_batch(7, round=fund_round)
    SubmittedProposalFactory(round=FundRoundFactory())  # another round: not matched
    saved = ProposalAdmin.list_per_page
    ProposalAdmin.list_per_page = 3
    try:
        url = reverse(CHANGELIST) + f"?round={fund_round.pk}&stage=loi"
        page = staff_client.get(url)
        assert len(page.context["cl"].result_list) == 3
        response = staff_client.post(
            url,
            {
                "action": "name_finalists",
                "select_across": "1",
                "index": "0",
                "_selected_action": [str(p.pk) for p in page.context["cl"].result_list],
            },
        )
    finally:
        ProposalAdmin.list_per_page = saved
    assert response.status_code == 302
    assert set(Decision.objects.values_list("proposal_id", flat=True)) == {p.pk for p in proposals}
    assert not Decision.objects.filter(released_at__isnull=False).exists()


def test_staff_decide_and_release_from_the_admin(staff_client, fund_round):
    proposal = SubmittedProposalFactory(round=fund_round)
    decide = reverse("admin:innovation_fund_proposal_decide", args=[proposal.pk])
    response = staff_client.post(decide, {"outcome": "finalist", "note": ""})
    assert response.status_code == 302
    release = reverse("admin:innovation_fund_proposal_release", args=[fund_round.pk, "loi"])
    assert "Release 1 decision" in staff_client.get(release).content.decode()
    assert staff_client.post(release).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "finalist"


def test_the_decision_page_shows_the_committees_numbers_and_the_way_back(
    staff_client, fund_round, crit
):
    proposal = SubmittedProposalFactory(round=fund_round)
    decide = reverse("admin:innovation_fund_proposal_decide", args=[proposal.pk])
    assert "No review of this letter of intent is submitted yet." in text_of(
        staff_client.get(decide)
    )
    for value, recommendation in ((4, "yes"), (2, "no")):
        reviewer = CommitteeMemberFactory(round=fund_round).user
        submitted_review(proposal, reviewer, dict.fromkeys(crit, value), recommendation)

    page = staff_client.get(decide)

    assert "mean 3.00 from 2 reviews (yes 1, maybe 0, no 1; std. dev. 1.00)" in text_of(page)
    ranking = reverse(CHANGELIST) + f"?round={fund_round.pk}&stage=loi"
    assert f'href="{ranking}"' in page.content.decode().replace("&amp;", "&")


def test_progress_per_member(staff_client, fund_round, crit):
    member = CommitteeMemberFactory(round=fund_round)
    done = AssignmentFactory(member=member).proposal
    AssignmentFactory(member=member)
    submitted_review(done, member.user, dict.fromkeys(crit, 2))
    url = reverse("admin:innovation_fund_proposal_progress", args=[fund_round.pk, "loi"])
    response = staff_client.get(url)
    progress = list(response.context["progress"])
    assert [(m.assigned, m.scored) for m in progress] == [(2, 1)]
    assert "Scoring progress, letters of intent" in response.content.decode()


@pytest.mark.parametrize(("assigned", "text"), [(1, "letter of intent"), (2, "letters of intent")])
def test_a_member_reads_their_progress_in_words(member, member_client, assigned, text):
    AssignmentFactory.create_batch(assigned, member=member)
    page = member_client.get(reverse(CHANGELIST)).content.decode()
    assert f"You have scored 0 of the {assigned} {text} assigned to you." in page


def test_the_committee_form_pages_carry_the_admin_form_styles(member, member_client, crit):
    """Without forms.css the scoring form's radios stack and its labels lose their
    column; the pages extend admin/form_page.html, which loads it."""
    assignment = AssignmentFactory(member=member)
    staff = StaffUserFactory()
    pages = [
        (member_client, _score(assignment.proposal)),
        (
            member_client,
            reverse("admin:innovation_fund_proposal_conflict", args=[assignment.proposal.pk]),
        ),
    ]
    staff_client = Client()
    staff_client.force_login(staff)
    round_stage = [member.round.pk, "loi"]
    pages += [
        (
            staff_client,
            reverse("admin:innovation_fund_proposal_decide", args=[assignment.proposal.pk]),
        ),
        (staff_client, reverse("admin:innovation_fund_proposal_release", args=round_stage)),
        (staff_client, reverse("admin:innovation_fund_proposal_assign", args=round_stage)),
        (staff_client, reverse("admin:members_user_invite")),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "admin/css/forms.css" in body, url
        assert '<ol class="breadcrumbs">' in body, url
