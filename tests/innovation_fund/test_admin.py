"""The rounds and criteria admin: alliance staff only, dates in order (query counts:
tests/test_admin_changelists.py)."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from innovation_fund.models import FundRound
from tests.factories import StaffUserFactory, UserFactory
from tests.innovation_fund.factories import FundRoundFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client


def _form(**overrides):
    data = {
        "name": "Round 7",
        "slug": "round-7",
        "year": "2027",
        "description": "",
        "budget_usd": "500000",
        "max_award_usd": "100000",
        "time_zone": "America/Los_Angeles",
        "call_opens_at_0": "2027-01-10",
        "call_opens_at_1": "09:00:00",
        "loi_deadline_0": "2027-03-01",
        "loi_deadline_1": "17:00:00",
        "loi_scoring_deadline_0": "",
        "loi_scoring_deadline_1": "",
        "finalists_announced_at_0": "2027-04-01",
        "finalists_announced_at_1": "12:00:00",
        "full_proposal_deadline_0": "2027-06-01",
        "full_proposal_deadline_1": "17:00:00",
        "full_scoring_deadline_0": "",
        "full_scoring_deadline_1": "",
        "awards_announced_at_0": "2027-09-01",
        "awards_announced_at_1": "12:00:00",
        "reminder_offsets": "[14, 3, 1]",
        "reviewers_per_proposal": "3",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_a_round_is_created_with_times_in_its_own_zone(staff_client):
    response = staff_client.post(reverse("admin:innovation_fund_fundround_add"), _form())

    assert response.status_code == 302, response.context["adminform"].form.errors
    fund_round = FundRound.objects.get(slug="round-7")
    # 17:00 in Los Angeles in March (PST, UTC-8) is 01:00 UTC the next day.
    assert fund_round.loi_deadline == datetime(2027, 3, 2, 1, 0, tzinfo=timezone.UTC)
    assert fund_round.reminder_offsets == [14, 3, 1]


def test_dates_out_of_order_are_refused_naming_the_wrong_one(staff_client):
    response = staff_client.post(
        reverse("admin:innovation_fund_fundround_add"),
        _form(full_proposal_deadline_0="2027-03-15"),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["full_proposal_deadline"]
    assert "must be after the finalists announced" in errors["full_proposal_deadline"][0]
    assert not FundRound.objects.exists()


def test_committee_members_and_city_staff_cannot_open_the_round_admin(client):
    FundRoundFactory()
    for user in (UserFactory(is_staff=True), UserFactory()):
        client.force_login(user)
        response = client.get(reverse("admin:innovation_fund_fundround_changelist"))
        assert response.status_code in (302, 403)
        assert b"Round" not in response.content


def test_alliance_staff_read_a_proposal_but_cannot_change_it_in_the_admin(staff_client):
    proposal = ProposalFactory(title="Heat pumps")
    change = reverse("admin:innovation_fund_proposal_change", args=[proposal.pk])
    page = staff_client.get(change)
    assert page.status_code == 200
    assert "Heat pumps" in page.content.decode()
    staff_client.post(change, {"title": "Changed", "status": "awarded"})
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == ("Heat pumps", "draft")
    assert staff_client.get(reverse("admin:innovation_fund_proposal_add")).status_code == 403
