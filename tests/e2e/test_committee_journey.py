"""The selection committee at work in the admin, in a real browser.

The independent demo committee member signs in to the admin, opens a letter of
intent assigned to them, submits with a score missing and sees which, scores
every criterion, submits and sees the aggregate. Alliance staff then name it a
finalist and release the round's decisions: one email, held until then.
"""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from cnca.content.facts import facts_section
from cnca.notifications.models import OutboundEmail
from innovation_fund.committee.demo import create_demo_proposals
from innovation_fund.models import Assignment, Attachment, Criterion, Proposal
from members.models import User
from members.services import create_demo_accounts
from tests.files import pdf_bytes

from .a11y import assert_accessible
from .helpers import arrived, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password-for-tests"
MEMBER = "committee@cnca.example"


@pytest.fixture
def demo(cnca_content):
    create_demo_accounts(PASSWORD)
    from innovation_fund.committee.demo import seat_demo_committee

    seat_demo_committee(User.objects.filter(email__startswith="committee@"))
    awards = next(
        r["awards"] for r in facts_section("innovation_fund")["rounds"] if r["name"] == "Round 3"
    )
    create_demo_proposals(awards, actor=User.objects.get(email="staff@cnca.example"))


def admin_sign_in(page, base_url, email):
    visit(page, base_url + "/admin/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    arrived(page, r"/admin/$")


def attach_letter(proposal):
    """A letter of support on the proposal, stored as the applicant's upload would be."""
    data = pdf_bytes()
    attachment = Attachment(
        proposal=proposal,
        kind=Attachment.Kind.LETTER_OF_SUPPORT,
        original_name="Letter from the mayor.pdf",
        size=len(data),
        content_type="application/pdf",
    )
    attachment.file.save("upload", ContentFile(data))
    return attachment


def test_a_member_scores_and_staff_release_the_decision(
    demo, media_root, live_server, audit_page, new_page
):
    page = audit_page
    base = live_server.url
    assignment = (
        Assignment.objects.filter(member__user__email=MEMBER).select_related("proposal").first()
    )
    proposal = assignment.proposal
    attach_letter(proposal)
    criteria = list(Criterion.objects.filter(round=proposal.round, stage="loi"))

    admin_sign_in(page, base, MEMBER)
    page.get_by_role("link", name="Proposals").first.click()
    arrived(page, r"/admin/innovation_fund/proposal/")
    expect(page.get_by_role("main")).to_contain_text("You have scored 0 of the")
    page.get_by_role("link", name=proposal.title).click()
    arrived(page, rf"/admin/innovation_fund/proposal/{proposal.pk}/change/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Letter from the mayor.pdf").click()
    assert download.value.suggested_filename == "Letter from the mayor.pdf"
    page.get_by_role("link", name="Score this proposal").click()
    arrived(page, r"/score/loi/$")
    page.get_by_text("The proposal").click()  # opens the folded proposal, its files too
    expect(page.get_by_role("link", name="Letter from the mayor.pdf")).to_be_visible()
    assert_accessible(page)

    for criterion in criteria[:-1]:
        page.get_by_role("group", name=criterion.name).get_by_label("4").check()
    page.get_by_role("group", name="Recommendation").get_by_label("Yes").check()
    page.get_by_label("Comment for the committee").fill("Clear plan; strong partners.")
    page.get_by_role("button", name="Submit review").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(f"To submit, complete: {criteria[-1].name}")
    expect(page.get_by_label("Comment for the committee")).to_have_value(
        "Clear plan; strong partners."
    )
    expect(page.get_by_role("group", name=criteria[0].name).get_by_label("4")).to_be_checked()
    assert_accessible(page)

    page.get_by_role("group", name=criteria[-1].name).get_by_label("n/a").check()
    page.get_by_role("button", name="Submit review").click()
    arrived(page, rf"/admin/innovation_fund/proposal/{proposal.pk}/change/")
    expect(page.get_by_text("Your review is submitted.")).to_be_visible()
    table = page.get_by_role("table", name="Aggregate of the submitted reviews")
    expect(table).to_contain_text("4.00")
    assert_accessible(page)

    # Alliance staff name it a finalist; nothing is sent until they release.
    staff_page = new_page(bypass_csp=True)
    admin_sign_in(staff_page, base, "staff@cnca.example")
    visit(staff_page, f"{base}/admin/innovation_fund/proposal/?round={proposal.round_id}&stage=loi")
    expect(staff_page.get_by_role("main")).to_contain_text("Ranking: Demonstration round")
    assert_accessible(staff_page)
    staff_page.get_by_role("link", name=proposal.title).click()
    staff_page.get_by_role("link", name="Decide").click()
    arrived(staff_page, r"/decide/$")
    staff_page.get_by_label("Finalist (invite a full proposal)").check()
    staff_page.get_by_role("button", name="Record the decision").click()
    arrived(staff_page, r"/admin/innovation_fund/proposal/\?round=")
    expect(staff_page.get_by_role("main")).to_contain_text("Finalist (held)")
    assert not OutboundEmail.objects.filter(key__startswith="innovation-fund:decision:").exists()

    staff_page.get_by_role("link", name="Release the decisions (1 held)").click()
    arrived(staff_page, r"/release/$")
    assert_accessible(staff_page)
    staff_page.get_by_role("button", name="Release 1 decision").click()
    arrived(staff_page, r"/admin/innovation_fund/proposal/\?round=")
    expect(staff_page.get_by_role("main")).to_contain_text("Finalist (released)")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.FINALIST
    assert OutboundEmail.objects.filter(key__startswith="innovation-fund:decision:").count() == 1
