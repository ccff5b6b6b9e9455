"""A proposal's attachments in the committee's admin: who may download them (the
proposal's own visibility, nothing else), how they are served, and the links on the
proposal and scoring pages."""

from pathlib import Path

import pytest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from cnca.private_files import SANDBOX_CSP
from cnca.uploads import check_upload
from innovation_fund import services as fund_services
from innovation_fund.committee import services
from innovation_fund.models import Attachment
from tests.factories import CityMembershipFactory, MemberCityFactory, StaffUserFactory
from tests.files import image_bytes, pdf_bytes, upload
from tests.innovation_fund.committee_factories import (
    AssignmentFactory,
    CommitteeMemberFactory,
    SubmittedProposalFactory,
)
from tests.innovation_fund.factories import FundRoundFactory
from tests.querycount import queries_of_get

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def fund_round():
    return FundRoundFactory()


@pytest.fixture
def lead_staff():
    """City staff of the lead city (not admin staff)."""
    return CityMembershipFactory(city=MemberCityFactory(name="Portland")).user


@pytest.fixture
def proposal(fund_round, lead_staff):
    return SubmittedProposalFactory(
        round=fund_round, lead_city=lead_staff.city_membership.city, title="Heat pumps"
    )


def attach(proposal, user, name="Letter from the mayor.pdf", data=None, kind="letter_of_support"):
    uploaded = upload(name, data if data is not None else pdf_bytes(), "application/pdf")
    return fund_services.add_attachment(
        proposal=proposal, user=user, checked=check_upload(uploaded), kind=kind
    )


@pytest.fixture
def attachment(proposal, lead_staff):
    return attach(proposal, lead_staff)


def _url(proposal, attachment_or_pk):
    pk = getattr(attachment_or_pk, "pk", attachment_or_pk)
    return reverse("admin:innovation_fund_proposal_attachment", args=[proposal.pk, pk])


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _stored(attachment, media_root):
    return (Path(media_root) / attachment.file.name).read_bytes()


# --- Who may download -----------------------------------------------------------------------


def _member(fund_round, city=None):
    member = CommitteeMemberFactory(round=fund_round)
    if city is not None:
        CityMembershipFactory(user=member.user, city=city)
    return member.user


def _alliance_staff(proposal, lead_staff):
    return StaffUserFactory()


def _assigned_member(proposal, lead_staff):
    return AssignmentFactory(member__round=proposal.round, proposal=proposal).member.user


def _unassigned_member_of_the_round(proposal, lead_staff):
    return _member(proposal.round)


def _member_who_declared_a_conflict(proposal, lead_staff):
    user = _assigned_member(proposal, lead_staff)
    services.declare_conflict(user=user, proposal=proposal, reason="My sister leads it.")
    return user


def _member_of_a_partner_city(proposal, lead_staff):
    city = MemberCityFactory(name="Copenhagen")
    proposal.partner_cities.add(city)
    return _member(proposal.round, city)


def _member_of_the_lead_city(proposal, lead_staff):
    return _member(proposal.round, lead_staff.city_membership.city)


def _member_of_another_round(proposal, lead_staff):
    return _member(FundRoundFactory())


def _lead_city_staff(proposal, lead_staff):
    return lead_staff


def _staff_outside_the_committee(proposal, lead_staff):
    user = StaffUserFactory(is_superuser=False)
    CommitteeMemberFactory(round=proposal.round, user=user)
    return user


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (_alliance_staff, 200),
        (_assigned_member, 200),
        (_unassigned_member_of_the_round, 200),
        (_member_who_declared_a_conflict, 404),
        (_member_of_a_partner_city, 404),
        (_member_of_the_lead_city, 404),
        (_member_of_another_round, 404),
        (_lead_city_staff, 302),  # the admin sends non-staff to its login page
        (_staff_outside_the_committee, 403),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else str(value),
)
def test_permission_matrix(client, proposal, lead_staff, attachment, media_root, who, expected):
    client.force_login(who(proposal, lead_staff))

    response = client.get(_url(proposal, attachment))

    assert response.status_code == expected
    served = _body(response)
    if expected == 200:
        assert served == _stored(attachment, media_root)
    else:
        assert _stored(attachment, media_root) not in served
        assert b"%PDF" not in served
    if expected == 302:
        assert response.url.startswith(reverse("admin:login"))


def test_anonymous_visitors_are_sent_to_sign_in(client, proposal, attachment):
    response = client.get(_url(proposal, attachment))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_draft_proposal_of_the_round_is_not_reached(client, fund_round, lead_staff):
    draft = SubmittedProposalFactory(
        round=fund_round,
        lead_city=lead_staff.city_membership.city,
        status="draft",
        submitted_at=None,
    )
    attachment = attach(draft, lead_staff)
    client.force_login(_member(fund_round))

    assert client.get(_url(draft, attachment)).status_code == 404


def test_an_attachment_of_another_proposal_is_not_reached_through_this_one(
    client, fund_round, proposal, attachment, media_root
):
    """Both proposals are visible to the member: the file must still belong to the URL's."""
    other_staff = CityMembershipFactory(city=MemberCityFactory(name="Oslo")).user
    other = SubmittedProposalFactory(round=fund_round, lead_city=other_staff.city_membership.city)
    theirs = attach(other, other_staff, "Oslo budget.pdf")
    client.force_login(_member(fund_round))

    assert client.get(_url(other, theirs)).status_code == 200
    response = client.get(_url(proposal, theirs))
    assert response.status_code == 404
    assert _stored(theirs, media_root) not in _body(response)


def test_an_attachment_id_that_does_not_exist_is_not_found(client, proposal, attachment):
    client.force_login(StaffUserFactory())

    assert client.get(_url(proposal, attachment.pk + 1000)).status_code == 404


def test_a_row_whose_file_is_missing_is_not_found(client, proposal, attachment, media_root):
    (Path(media_root) / attachment.file.name).unlink()
    client.force_login(StaffUserFactory())

    assert client.get(_url(proposal, attachment)).status_code == 404


# --- How the file is served ------------------------------------------------------------------


def test_the_file_is_a_download_never_sniffed_sandboxed_and_not_stored(
    client, proposal, attachment, media_root
):
    client.force_login(StaffUserFactory())

    response = client.get(_url(proposal, attachment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('attachment; filename="Letter from the mayor.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX_CSP
    # The admin's never_cache adds max-age=0 and the like to these two.
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    assert _body(response) == _stored(attachment, media_root)


def test_an_image_keeps_its_real_type_and_extension(client, proposal, lead_staff, media_root):
    image = fund_services.add_attachment(
        proposal=proposal,
        user=lead_staff,
        checked=check_upload(upload("site plan.html", image_bytes("PNG"), "text/html")),
        kind=Attachment.Kind.PLAN,
    )
    client.force_login(_assigned_member(proposal, lead_staff))

    response = client.get(_url(proposal, image))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="site plan.html.png"'
    assert _body(response) == _stored(image, media_root)


# --- The links on the pages ------------------------------------------------------------------


def _change(proposal):
    return reverse("admin:innovation_fund_proposal_change", args=[proposal.pk])


def _score(proposal):
    return reverse("admin:innovation_fund_proposal_score", args=[proposal.pk, "loi"])


def _files(proposal, lead_staff):
    return [
        attach(proposal, lead_staff, "Letter from the mayor.pdf"),
        fund_services.add_attachment(
            proposal=proposal,
            user=lead_staff,
            checked=check_upload(upload("site plan.png", image_bytes("PNG"), "image/png")),
            kind=Attachment.Kind.PLAN,
        ),
    ]


def _assert_listed(html, proposal, files):
    for attachment in files:
        assert (
            f'<a href="{_url(proposal, attachment)}" download>{attachment.original_name}</a>'
            in (html)
        )
    letter, plan = files
    assert f"(Letter of support; PDF document, {filesizeformat(letter.size)})" in html
    assert f"(Plan, map or drawing; PNG image, {filesizeformat(plan.size)})" in html
    applicant_url = reverse("innovation_fund:attachment_download", args=[proposal.pk, files[0].pk])
    assert applicant_url not in html


def test_the_proposal_page_links_each_file_for_a_member_and_for_staff(
    client, proposal, lead_staff, media_root
):
    files = _files(proposal, lead_staff)
    member = _assigned_member(proposal, lead_staff)
    for user in (member, StaffUserFactory()):
        client.force_login(user)
        response = client.get(_change(proposal))
        assert response.status_code == 200
        html = response.content.decode()
        _assert_listed(html, proposal, files)
    # The link on the page is the download.
    client.force_login(member)
    assert _body(client.get(_url(proposal, files[1]))) == _stored(files[1], media_root)


def test_the_scoring_page_links_each_file(client, proposal, lead_staff):
    files = _files(proposal, lead_staff)
    client.force_login(_assigned_member(proposal, lead_staff))

    response = client.get(_score(proposal))

    assert response.status_code == 200
    _assert_listed(response.content.decode(), proposal, files)


def test_a_proposal_without_files_says_so(client, proposal, lead_staff):
    client.force_login(_assigned_member(proposal, lead_staff))

    for url in (_change(proposal), _score(proposal)):
        assert "No file is attached." in client.get(url).content.decode()


def test_the_list_costs_the_same_queries_for_one_file_and_five(client, fund_round, lead_staff):
    user = _member(fund_round)
    counts = {}
    for number in (1, 5):
        proposal = SubmittedProposalFactory(
            round=fund_round, lead_city=lead_staff.city_membership.city
        )
        AssignmentFactory(member=user.committee_seats.get(), proposal=proposal)
        for index in range(number):
            attach(proposal, lead_staff, f"file {index}.pdf")
        client.force_login(user)
        counts[number] = [
            queries_of_get(client, url) for url in (_change(proposal), _score(proposal))
        ]
    assert counts[1] == counts[5]
