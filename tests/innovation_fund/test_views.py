"""The applicant's pages: forms, refusals, permissions, the dashboard, query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cnca.notifications.models import OutboundEmail
from innovation_fund.models import Proposal, ProposalVersion
from tests.factories import CityMembershipFactory, MemberCityFactory, UserFactory
from tests.innovation_fund.factories import FundRoundFactory, ProposalFactory, make_finalist
from tests.querycount import queries_of_get

pytestmark = pytest.mark.django_db

Status = Proposal.Status


@pytest.fixture
def fund_round():
    return FundRoundFactory(name="Round 7", slug="round-7")


@pytest.fixture
def staff():
    return CityMembershipFactory(city=MemberCityFactory(name="Portland", slug="portland"))


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff.user)
    return client


@pytest.fixture
def draft(fund_round, staff):
    return ProposalFactory(round=fund_round, lead_city=staff.city, title="Heat pumps")


def loi_data(**overrides):
    data = {
        "title": "Cool roofs",
        "summary": "Paint 200 roofs white.",
        "problem": "Heat islands.",
        "approach": "A city programme.",
        "other_partners": "",
        "requested_amount_usd": "50000",
        "co_funding_usd": "10000",
        "co_funding_sources": "",
        "expected_impact_tco2e": "",
        "contact_name": "Ana Lima",
        "contact_email": "ana@portland.example",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


def url(name, proposal):
    return reverse(f"innovation_fund:{name}", kwargs={"pk": proposal.pk})


# --- Starting ---------------------------------------------------------------------------


def test_start_form_then_a_draft(staff_client, fund_round, staff):
    create = reverse("innovation_fund:proposal_create", kwargs={"slug": fund_round.slug})
    page = staff_client.get(create)
    assert page.status_code == 200
    token = page.context["form"].initial["token"]

    response = staff_client.post(create, loi_data(token=token))

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response.url == url("proposal_detail", proposal)
    assert proposal.lead_city == staff.city
    assert proposal.status == Status.DRAFT


def test_a_double_click_on_save_makes_one_proposal(staff_client, fund_round):
    create = reverse("innovation_fund:proposal_create", kwargs={"slug": fund_round.slug})
    token = staff_client.get(create).context["form"].initial["token"]
    first = staff_client.post(create, loi_data(token=token))
    second = staff_client.post(create, loi_data(token=token))
    assert Proposal.objects.count() == 1
    assert first.url == second.url


def test_an_amount_above_the_maximum_is_refused_and_the_input_kept(staff_client, fund_round):
    create = reverse("innovation_fund:proposal_create", kwargs={"slug": fund_round.slug})
    response = staff_client.post(create, loi_data(requested_amount_usd="250000"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_requested_amount_usd"' in html
    assert "The most this round awards is 100,000 USD" in html
    assert 'value="250000"' in html
    assert 'value="Cool roofs"' in html
    assert not Proposal.objects.exists()


def test_a_summary_over_the_word_limit_is_refused(staff_client, fund_round):
    create = reverse("innovation_fund:proposal_create", kwargs={"slug": fund_round.slug})
    response = staff_client.post(create, loi_data(summary="word " * 251))
    assert "The summary has 251 words" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_person_without_a_city_cannot_start(client, fund_round):
    client.force_login(UserFactory())
    create = reverse("innovation_fund:proposal_create", kwargs={"slug": fund_round.slug})
    assert client.get(create).status_code == 404


# --- Deadlines --------------------------------------------------------------------------


def test_after_the_deadline_pages_say_so_and_when(staff_client, staff, draft, time_machine):
    time_machine.move_to(draft.round.loi_deadline, tick=False)
    staff_client.force_login(staff.user)  # the session of a month ago has expired
    for target in (
        reverse("innovation_fund:proposal_create", kwargs={"slug": draft.round.slug}),
        url("proposal_edit", draft),
        url("proposal_submit", draft),
        url("proposal_withdraw", draft),
    ):
        get = staff_client.get(target)
        post = staff_client.post(target, loi_data(version=1))
        for response in (get, post):
            assert response.status_code == 200
            assert "The deadline has passed" in response.content.decode()
            assert "(UTC" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.version == 1
    assert Proposal.objects.count() == 1


# --- Editing and submitting ---------------------------------------------------------------


def test_edit_keeps_input_on_error(staff_client, draft):
    response = staff_client.post(
        url("proposal_edit", draft), loi_data(version=1, requested_amount_usd="-5")
    )
    assert response.status_code == 200
    assert "Enter an amount more than 0." in response.content.decode()
    assert 'value="-5"' in response.content.decode()


def test_two_people_editing_one_draft(staff_client, client, draft, staff):
    colleague = CityMembershipFactory(city=staff.city).user
    staff_client.post(url("proposal_edit", draft), loi_data(version=1, title="First"))

    client.force_login(colleague)
    response = client.post(url("proposal_edit", draft), loi_data(version=1, title="Second"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this proposal after you opened it" in html
    assert 'value="Second"' in html  # their text is kept
    draft.refresh_from_db()
    assert draft.title == "First"
    # The form now carries the current version: saving again, deliberately, works.
    again = client.post(url("proposal_edit", draft), loi_data(version=2, title="Second"))
    assert again.status_code == 302


def test_submit_page_lists_what_is_missing(staff_client, draft):
    Proposal.objects.filter(pk=draft.pk).update(problem="", contact_email="")
    page = staff_client.get(url("proposal_submit", draft))
    html = page.content.decode()
    assert "the problem" in html
    assert "a contact email address" in html
    posted = staff_client.post(url("proposal_submit", draft), {"version": 1})
    assert "It cannot be submitted yet" in posted.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_submit_then_status_and_confirmation(staff_client, draft, staff):
    response = staff_client.post(url("proposal_submit", draft), {"version": 1}, follow=True)
    html = response.content.decode()
    assert "Submitted. A confirmation email is on its way" in html
    assert "Status: <strong" in html
    assert "Submitted</strong>" in html
    assert OutboundEmail.objects.filter(to=[staff.user.email]).exists()
    # A second click of the same button submits nothing more.
    staff_client.post(url("proposal_submit", draft), {"version": 1})
    assert ProposalVersion.objects.count() == 1


def test_edit_after_submit_and_the_history(staff_client, draft, staff):
    staff_client.post(url("proposal_submit", draft), {"version": 1})
    edit = staff_client.get(url("proposal_edit", draft))
    assert "Save as a new version" in edit.content.decode()
    staff_client.post(url("proposal_edit", draft), loi_data(version=1, title="Cool roofs v2"))
    history = staff_client.get(url("proposal_history", draft)).content.decode()
    assert "Letter of intent, version 2" in history
    assert "Letter of intent, version 1" in history
    assert "Cool roofs v2" in history
    assert "Heat pumps" in history


def test_withdraw(staff_client, draft):
    response = staff_client.post(url("proposal_withdraw", draft), follow=True)
    assert "The proposal is withdrawn" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN
    # Nothing more to do with it.
    assert staff_client.get(url("proposal_edit", draft)).status_code == 302


def test_a_finalist_edits_the_full_proposal_with_budget_and_milestones(staff_client, draft, staff):
    make_finalist(draft, staff.user)
    data = loi_data(
        version=1,
        requested_amount_usd="80000",
        outcome_measures="Roofs painted",
        work_plan="Two districts",
        **{
            "budget-TOTAL_FORMS": "2",
            "budget-INITIAL_FORMS": "0",
            "budget-0-description": "Paint",
            "budget-0-amount_usd": "50000",
            "budget-1-description": "Crews",
            "budget-1-amount_usd": "abc",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-title": "First district",
            "milestones-0-due_on": "2030-05-01",
        },
    )
    bad = staff_client.post(url("proposal_edit", draft), data)
    assert bad.status_code == 200
    assert 'href="#id_budget-1-amount_usd"' in bad.content.decode()

    data["budget-1-amount_usd"] = "30000"
    assert staff_client.post(url("proposal_edit", draft), data).status_code == 302
    response = staff_client.post(url("proposal_submit", draft), {"version": 2}, follow=True)
    assert "Submitted." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.FULL_SUBMITTED
    assert sum(line.amount_usd for line in draft.budget_lines.all()) == Decimal("80000")


# --- Permissions: every applicant URL, as another city and as nobody --------------------

APPLICANT_URLS = [
    "proposal_detail",
    "proposal_edit",
    "proposal_submit",
    "proposal_withdraw",
    "proposal_history",
]


@pytest.mark.parametrize("name", APPLICANT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_citys_staff_get_404(client, draft, name, method):
    client.force_login(CityMembershipFactory().user)
    response = getattr(client, method)(url(name, draft), loi_data(version=1))
    assert response.status_code == 404
    assert draft.title not in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (Status.DRAFT, 1)


@pytest.mark.parametrize("name", APPLICANT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, draft, name, method):
    response = getattr(client, method)(url(name, draft), loi_data(version=1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account:login"))
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (Status.DRAFT, 1)


def test_anonymous_visitors_cannot_start(client, fund_round):
    create = reverse("innovation_fund:proposal_create", kwargs={"slug": fund_round.slug})
    for response in (client.get(create), client.post(create, loi_data())):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account:login"))
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("name", APPLICANT_URLS)
def test_partner_city_staff_read_but_do_not_change(client, draft, name):
    partner = MemberCityFactory()
    draft.partner_cities.add(partner)
    client.force_login(CityMembershipFactory(city=partner).user)
    response = client.get(url(name, draft))
    if name in ("proposal_detail", "proposal_history"):
        assert response.status_code == 200
        assert draft.title in response.content.decode()
    else:
        assert response.status_code == 404
        assert client.post(url(name, draft), loi_data(version=1)).status_code == 404
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (Status.DRAFT, 1)


# --- The dashboard ------------------------------------------------------------------------


def test_dashboard_invites_to_an_open_round_and_lists_proposals(staff_client, draft):
    html = staff_client.get(reverse("account:dashboard")).content.decode()
    assert "Start a letter of intent for Round 7" in html
    assert "Heat pumps" in html
    assert "Draft" in html
    assert "Next deadline: Letter of intent" in html
    # Shown in the round's zone (Los Angeles) with its UTC offset, and the time left.
    assert "(UTC\u221207:00)" in html or "(UTC\u221208:00)" in html
    assert " left" in html
    assert url("proposal_edit", draft) in html


def test_dashboard_of_a_person_without_a_city(client):
    client.force_login(UserFactory())
    html = client.get(reverse("account:dashboard")).content.decode()
    assert "Not linked to a member city" in html


def test_dashboard_queries_do_not_grow_with_proposals(staff_client, fund_round, staff):
    dashboard = reverse("account:dashboard")
    ProposalFactory(round=fund_round, lead_city=staff.city)
    one = queries_of_get(staff_client, dashboard)
    other_round = FundRoundFactory()
    ProposalFactory.create_batch(10, round=fund_round, lead_city=staff.city)
    partnered = ProposalFactory.create_batch(9, round=other_round)
    for proposal in partnered:
        proposal.partner_cities.add(staff.city)
    twenty = queries_of_get(staff_client, dashboard)
    assert one == twenty


def test_proposal_page_queries_do_not_grow_with_proposals(staff_client, fund_round, staff):
    first = ProposalFactory(round=fund_round, lead_city=staff.city)
    one = queries_of_get(staff_client, url("proposal_detail", first))
    ProposalFactory.create_batch(19, round=fund_round, lead_city=staff.city)
    twenty = queries_of_get(staff_client, url("proposal_detail", first))
    last = Proposal.objects.order_by("pk").last()
    assert one == twenty == queries_of_get(staff_client, url("proposal_detail", last))
