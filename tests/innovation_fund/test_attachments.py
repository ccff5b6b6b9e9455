"""Attachments: checked uploads, the limit of five, deadlines, and who may download."""

import threading
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from cnca.notifications.models import OutboundEmail
from cnca.uploads import check_upload
from innovation_fund import services
from innovation_fund.models import Attachment, FundRound, Proposal, ProposalVersion, StatusChange
from tests.factories import CityMembershipFactory, MemberCityFactory, StaffUserFactory, UserFactory
from tests.files import image_bytes, pdf_bytes, pdf_upload, png_upload, upload
from tests.pagetext import html_of

from .factories import FundRoundFactory, ProposalFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

ANY_SIZE = mock.ANY

Status = Proposal.Status


@pytest.fixture
def portland_staff():
    return CityMembershipFactory(
        city=MemberCityFactory(name="Portland", slug="portland"), user__email="ana@portland.example"
    ).user


@pytest.fixture
def partner_staff():
    return CityMembershipFactory(
        city=MemberCityFactory(name="Copenhagen", slug="copenhagen"),
        user__email="kim@copenhagen.example",
    ).user


@pytest.fixture
def other_staff():
    return CityMembershipFactory(
        city=MemberCityFactory(name="Oslo", slug="oslo"), user__email="ola@oslo.example"
    ).user


@pytest.fixture
def proposal(portland_staff, partner_staff):
    proposal = ProposalFactory(
        round=FundRoundFactory(name="Round 7", slug="round-7"),
        lead_city=portland_staff.city_membership.city,
        title="Heat pumps",
    )
    proposal.partner_cities.add(partner_staff.city_membership.city)
    return proposal


def attach(proposal, user, uploaded=None, kind=Attachment.Kind.LETTER_OF_SUPPORT):
    return services.add_attachment(
        proposal=proposal, user=user, checked=check_upload(uploaded or pdf_upload()), kind=kind
    )


def urls(proposal, attachment=None):
    found = {"add": reverse("innovation_fund:attachment_add", args=[proposal.pk])}
    if attachment is not None:
        found["download"] = reverse(
            "innovation_fund:attachment_download", args=[proposal.pk, attachment.pk]
        )
        found["remove"] = reverse(
            "innovation_fund:attachment_remove", args=[proposal.pk, attachment.pk]
        )
    return found


# --- The service ----------------------------------------------------------------------


def test_a_file_is_stored_privately_under_a_random_name(proposal, portland_staff, media_root):
    data = pdf_bytes()

    attachment = attach(proposal, portland_staff, upload("Letter from the mayor.pdf", data))

    name = attachment.file.name
    assert name.startswith("private/proposals/")
    assert len(Path(name).name) == 32
    assert "." not in Path(name).name
    assert (Path(media_root) / name).read_bytes() == data
    assert attachment.original_name == "Letter from the mayor.pdf"
    assert attachment.size == len(data)
    assert attachment.content_type == "application/pdf"
    assert attachment.kind == Attachment.Kind.LETTER_OF_SUPPORT
    assert attachment.uploaded_by == portland_staff


def test_images_are_stored_re_encoded(proposal, portland_staff, media_root):
    data = image_bytes("PNG") + b"<script>alert(1)</script>"

    attachment = attach(proposal, portland_staff, upload("plan.png", data))

    stored = (Path(media_root) / attachment.file.name).read_bytes()
    assert b"<script>" not in stored
    assert attachment.size == len(stored)


def test_at_most_five_attachments(proposal, portland_staff):
    for _ in range(Attachment.MAX_PER_PROPOSAL):
        attach(proposal, portland_staff)

    with pytest.raises(services.TooManyAttachments, match="at most 5 attachments"):
        attach(proposal, portland_staff)

    assert proposal.attachments.count() == 5


def test_only_the_lead_citys_staff_attach(proposal, partner_staff, other_staff):
    for user in (partner_staff, other_staff, UserFactory()):
        with pytest.raises(services.NotAllowed):
            attach(proposal, user)
    assert not Attachment.objects.exists()


def test_attaching_is_refused_at_the_deadline_to_the_second(proposal, portland_staff):
    deadline = proposal.round.loi_deadline

    with time_machine.travel(deadline - timedelta(seconds=1), tick=False):
        attach(proposal, portland_staff)
    with (
        time_machine.travel(deadline, tick=False),
        pytest.raises(services.DeadlinePassed),
    ):
        attach(proposal, portland_staff)

    assert proposal.attachments.count() == 1


@pytest.mark.parametrize("status", [Status.DECLINED, Status.WITHDRAWN, Status.AWARDED])
def test_attaching_is_refused_when_the_proposal_is_settled(proposal, portland_staff, status):
    Proposal.objects.filter(pk=proposal.pk).update(status=status, submitted_at=proposal.created_at)
    proposal.refresh_from_db()

    with pytest.raises(services.WrongStatus):
        attach(proposal, portland_staff)


def test_removing_deletes_the_row_and_then_the_file(
    proposal, portland_staff, media_root, django_capture_on_commit_callbacks
):
    attachment = attach(proposal, portland_staff)
    path = Path(media_root) / attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(attachment=attachment, user=portland_staff)

    assert not Attachment.objects.exists()
    assert not path.exists()


def test_removing_follows_the_same_rules(proposal, portland_staff, partner_staff):
    attachment = attach(proposal, portland_staff)

    with pytest.raises(services.NotAllowed):
        services.remove_attachment(attachment=attachment, user=partner_staff)
    with (
        time_machine.travel(proposal.round.loi_deadline, tick=False),
        pytest.raises(services.DeadlinePassed),
    ):
        services.remove_attachment(attachment=attachment, user=portland_staff)

    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_a_drafts_files_change_without_a_version_or_an_email(proposal, portland_staff):
    attachment = attach(proposal, portland_staff)
    services.remove_attachment(attachment=attachment, user=portland_staff)
    assert not ProposalVersion.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_file_changed_after_submission_makes_the_next_version(proposal, portland_staff):
    attach(proposal, portland_staff, pdf_upload("Budget.pdf"), kind=Attachment.Kind.BUDGET)
    proposal.refresh_from_db()
    services.submit_proposal(proposal=proposal, user=portland_staff, version=proposal.version)

    letter = attach(proposal, portland_staff, pdf_upload("Letter from the mayor.pdf"))
    services.remove_attachment(
        attachment=Attachment.objects.get(original_name="Budget.pdf"), user=portland_staff
    )

    versions = [v.data["attachments"] for v in ProposalVersion.objects.order_by("number")]
    budget = {"name": "Budget.pdf", "kind": "Budget or financial document", "size": ANY_SIZE}
    mayor = {"name": "Letter from the mayor.pdf", "kind": "Letter of support", "size": ANY_SIZE}
    assert versions == [[budget], [budget, mayor], [mayor]]
    notes = list(
        StatusChange.objects.filter(proposal=proposal)
        .order_by("at", "pk")
        .values_list("note", flat=True)
    )
    assert notes[-2:] == [
        "“Letter from the mayor.pdf” attached after submission (version 2).",
        "“Budget.pdf” removed after submission (version 3).",
    ]
    edited = OutboundEmail.objects.filter(key__contains=":edited:")
    assert {e.subject for e in edited} == {
        f'Changed: "{proposal.title}" (version 2)',
        f'Changed: "{proposal.title}" (version 3)',
    }
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    assert letter.pk


def test_the_history_lists_each_versions_files(client, proposal, portland_staff):
    attach(proposal, portland_staff, pdf_upload("Budget.pdf"), kind=Attachment.Kind.BUDGET)
    proposal.refresh_from_db()
    services.submit_proposal(proposal=proposal, user=portland_staff, version=proposal.version)
    services.remove_attachment(attachment=Attachment.objects.get(), user=portland_staff)
    client.force_login(portland_staff)

    page = client.get(reverse("innovation_fund:proposal_history", args=[proposal.pk]))

    text = html_of(page)
    assert "Budget.pdf (budget or financial document," in text
    assert "No file was attached." in text


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_cannot_make_six(proposal, portland_staff):
    """The count is taken under the proposal's row lock (Postgres)."""
    for _ in range(Attachment.MAX_PER_PROPOSAL - 1):
        attach(proposal, portland_staff)
    checked = check_upload(pdf_upload())
    start = threading.Barrier(2)
    outcomes = []

    def add():
        try:
            start.wait()
            services.add_attachment(
                proposal=proposal, user=portland_staff, checked=checked, kind="other"
            )
            outcomes.append("added")
        except services.TooManyAttachments:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["added", "refused"]
    assert proposal.attachments.count() == Attachment.MAX_PER_PROPOSAL


# --- The pages ------------------------------------------------------------------------


def test_the_proposal_page_lists_and_offers_attachments(client, proposal, portland_staff):
    attachment = attach(proposal, portland_staff, upload("mayor.pdf", pdf_bytes()))
    client.force_login(portland_staff)

    html = client.get(
        reverse("innovation_fund:proposal_detail", args=[proposal.pk])
    ).content.decode()

    assert '<h2 id="attachments-heading">Attachments</h2>' in html
    assert f'href="{urls(proposal, attachment)["download"]}"' in html
    assert "mayor.pdf" in html
    assert f'action="{urls(proposal)["add"]}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert f'href="{urls(proposal, attachment)["remove"]}"' in html


def test_a_partner_sees_the_files_but_no_way_to_change_them(
    client, proposal, portland_staff, partner_staff
):
    attachment = attach(proposal, portland_staff)
    client.force_login(partner_staff)

    html = client.get(
        reverse("innovation_fund:proposal_detail", args=[proposal.pk])
    ).content.decode()

    assert f'href="{urls(proposal, attachment)["download"]}"' in html
    assert f'action="{urls(proposal)["add"]}"' not in html
    assert urls(proposal, attachment)["remove"] not in html


def test_uploading_through_the_page(client, proposal, portland_staff):
    client.force_login(portland_staff)

    response = client.post(
        urls(proposal)["add"], {"file": png_upload("site plan.png"), "kind": "plan"}
    )

    assert response.status_code == 302
    assert response.url == reverse("innovation_fund:proposal_detail", args=[proposal.pk])
    attachment = proposal.attachments.get()
    assert (attachment.original_name, attachment.kind) == ("site plan.png", "plan")
    page = client.get(response.url).content.decode()
    assert "“site plan.png” is attached." in page


def test_a_refused_file_says_why_and_keeps_the_rest(client, proposal, portland_staff):
    client.force_login(portland_staff)
    program = upload("letter.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")

    response = client.post(urls(proposal)["add"], {"file": program, "kind": "letter_of_support"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert '<a href="#id_file">File: “letter.pdf” is not a PDF document' in html
    assert "a Windows program" in html
    assert '<option value="letter_of_support" selected>' in html
    assert not Attachment.objects.exists()


def test_a_request_larger_than_the_limit_is_refused_unread(
    client, proposal, portland_staff, settings
):
    settings.FUND_UPLOAD_MAX_BYTES = 1000
    client.force_login(portland_staff)

    response = client.post(
        urls(proposal)["add"],
        {"file": upload("big.pdf", pdf_bytes() + b" " * 100_000), "kind": "other"},
    )

    assert response.status_code == 413
    assert "The file is larger than 1000\xa0bytes" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_sixth_file_is_refused_on_the_page(client, proposal, portland_staff):
    for _ in range(5):
        attach(proposal, portland_staff)
    client.force_login(portland_staff)

    response = client.post(urls(proposal)["add"], {"file": pdf_upload(), "kind": "other"})

    assert response.status_code == 200
    assert "at most 5 attachments" in response.content.decode()
    detail = client.get(reverse("innovation_fund:proposal_detail", args=[proposal.pk]))
    assert "remove one to attach another" in detail.content.decode()


def test_after_the_deadline_the_page_says_so(client, proposal, portland_staff):
    client.force_login(portland_staff)
    FundRound.objects.filter(pk=proposal.round_id).update(
        loi_deadline=timezone.now() - timedelta(seconds=1)
    )

    response = client.post(urls(proposal)["add"], {"file": pdf_upload(), "kind": "other"})
    detail = client.get(reverse("innovation_fund:proposal_detail", args=[proposal.pk]))

    assert response.status_code == 200
    assert "deadline" in response.content.decode().lower()
    assert "has passed" in response.content.decode()
    assert not Attachment.objects.exists()
    assert 'enctype="multipart/form-data"' not in detail.content.decode()


def test_removing_through_the_page(
    client, proposal, portland_staff, django_capture_on_commit_callbacks
):
    attachment = attach(proposal, portland_staff, upload("old.pdf", pdf_bytes()))
    client.force_login(portland_staff)
    remove = urls(proposal, attachment)["remove"]

    confirm = client.get(remove)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove)

    assert "Remove &ldquo;old.pdf&rdquo;?" in confirm.content.decode()
    assert response.status_code == 302
    assert not Attachment.objects.exists()


# --- Downloads and the permission matrix ------------------------------------------------


def test_the_lead_citys_staff_download_it_as_an_attachment(client, proposal, portland_staff):
    data = pdf_bytes()
    attachment = attach(proposal, portland_staff, upload("Letter <x>.pdf", data))
    client.force_login(portland_staff)

    response = client.get(urls(proposal, attachment)["download"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Letter" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_download_name_carries_the_real_type(proposal, portland_staff):
    attachment = attach(proposal, portland_staff, upload("scan.txt", image_bytes("JPEG")))

    assert attachment.download_name == "scan.txt.jpg"


@pytest.mark.parametrize("who", ["lead", "partner", "other_city", "no_city", "alliance_staff"])
@pytest.mark.parametrize("action", ["download", "remove_get", "remove_post", "add_get", "add_post"])
def test_permission_matrix(
    client, proposal, portland_staff, partner_staff, other_staff, who, action
):
    attachment = attach(proposal, portland_staff)
    users = {
        "lead": portland_staff,
        "partner": partner_staff,
        "other_city": other_staff,
        "no_city": UserFactory(),
        "alliance_staff": StaffUserFactory(),
    }
    client.force_login(users[who])
    found = urls(proposal, attachment)
    method, url = {
        "download": ("get", found["download"]),
        "remove_get": ("get", found["remove"]),
        "remove_post": ("post", found["remove"]),
        "add_get": ("get", found["add"]),
        "add_post": ("post", found["add"]),
    }[action]
    data = {"file": pdf_upload(), "kind": "other"} if action == "add_post" else {}

    response = getattr(client, method)(url, data)

    allowed = who == "lead" or (who == "partner" and action == "download")
    if allowed:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 404
        assert b"%PDF" not in response.content
    still_there = Attachment.objects.filter(pk=attachment.pk).exists()
    assert still_there or (who == "lead" and action == "remove_post")


@pytest.mark.parametrize("action", ["download", "remove", "add"])
def test_anonymous_visitors_are_sent_to_sign_in(client, proposal, portland_staff, action):
    attachment = attach(proposal, portland_staff)
    url = urls(proposal, attachment)[action]

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account:login"))


def test_an_attachment_of_another_proposal_is_not_reached_through_yours(
    client, proposal, portland_staff, other_staff
):
    theirs = ProposalFactory(round=proposal.round, lead_city=other_staff.city_membership.city)
    their_file = attach(theirs, other_staff)
    client.force_login(portland_staff)

    response = client.get(
        reverse("innovation_fund:attachment_download", args=[proposal.pk, their_file.pk])
    )

    assert response.status_code == 404


def test_the_public_media_url_does_not_serve_attachments(client, proposal, portland_staff):
    attachment = attach(proposal, portland_staff)

    for url in (f"/media/{attachment.file.name}", f"/media/cities/%2e%2e/{attachment.file.name}"):
        assert client.get(url).status_code == 404
