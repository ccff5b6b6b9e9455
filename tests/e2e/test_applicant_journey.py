"""City staff apply to the Innovation Fund, in a real browser.

Portland's demo staff sign in, start a letter of intent in the demonstration
round, enter an amount above the maximum (the error shows, the input stays),
fix it, attach a PDF (after a renamed program is refused), submit, and see the
status; the confirmation is in the outbox. Every page on the way is audited with
axe-core.
"""

import pytest
from playwright.sync_api import expect

from cnca.notifications.models import OutboundEmail
from innovation_fund.models import Proposal
from members.services import create_demo_accounts
from tests.files import pdf_bytes

from .a11y import assert_accessible
from .helpers import arrived, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password-for-tests"


@pytest.fixture
def demo_accounts(cnca_content):
    create_demo_accounts(PASSWORD)


def test_portland_staff_submit_a_letter_of_intent(demo_accounts, live_server, audit_page):
    page = audit_page
    sign_in(page, live_server.url, "staff@portland.example", PASSWORD)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Demonstration round is open for letters of intent")
    assert_accessible(page)

    main.get_by_role("link", name="Start a letter of intent for Demonstration round").click()
    arrived(page, r"/innovation-fund/apply/demonstration-round/letter-of-intent/$")
    assert_accessible(page)
    page.get_by_label("Project title").fill("Cool roofs for schools")
    page.get_by_label("Summary").fill("Paint the roofs of 40 schools white to cut cooling.")
    page.get_by_label("The problem it tackles").fill("Schools overheat and run chillers.")
    page.get_by_label("How you will tackle it").fill("A two-year programme with the district.")
    page.get_by_label("Copenhagen").check()
    page.get_by_label("Requested amount (USD)").fill("250000")
    page.get_by_label("Contact name").fill("Ana Lima")
    page.get_by_label("Contact email").fill("ana.lima@portland.example")
    page.get_by_role("button", name="Save draft").click()

    # Refused: the summary names the field and links to it; nothing typed is lost.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Requested amount (USD)")).to_be_visible()
    expect(page.get_by_label("Requested amount (USD)")).to_have_value("250000")
    expect(page.get_by_label("Project title")).to_have_value("Cool roofs for schools")
    expect(page.get_by_label("Copenhagen")).to_be_checked()
    assert not Proposal.objects.exists()
    assert_accessible(page)

    summary.get_by_role("link", name="Requested amount (USD)").click()
    expect(page.get_by_label("Requested amount (USD)")).to_be_focused()
    page.get_by_label("Requested amount (USD)").fill("150000")
    page.get_by_role("button", name="Save draft").click()
    arrived(page, r"/innovation-fund/apply/proposals/\d+/(#.*)?$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cool roofs for schools")
    expect(main).to_contain_text("Status: Draft")
    assert_accessible(page)

    # Attach: a program renamed .pdf is refused with the reason; a real PDF is attached.
    attachments = page.get_by_role("region", name="Attachments")
    attachments.get_by_label("File").set_input_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + bytes(200)}]
    )
    attachments.get_by_label("What it is").select_option(label="Letter of support")
    attachments.get_by_role("button", name="Attach the file").click()
    arrived(page, r"/attachments/$")
    expect(page.get_by_role("alert")).to_contain_text("a Windows program")
    expect(page.get_by_label("What it is")).to_have_value("letter_of_support")
    assert_accessible(page)
    page.get_by_label("File").set_input_files(
        files=[
            {"name": "Letter of support.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
        ]
    )
    page.get_by_role("button", name="Attach the file").click()
    arrived(page, r"/innovation-fund/apply/proposals/\d+/(#.*)?$")
    expect(page.get_by_role("status")).to_contain_text("“Letter of support.pdf” is attached.")
    expect(
        attachments.get_by_role("link", name="Letter of support.pdf", exact=True)
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("complementary").get_by_role("link", name="Submit", exact=True).click()
    arrived(page, r"/submit/$")
    assert_accessible(page)
    page.get_by_role("button", name="Submit").click()
    arrived(page, r"/innovation-fund/apply/proposals/\d+/(#.*)?$")
    expect(main).to_contain_text("Status: Submitted")
    expect(page.get_by_role("status")).to_contain_text("A confirmation email is on its way")
    assert_accessible(page)

    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.lead_city.slug == "portland"
    confirmation = OutboundEmail.objects.get(to=["staff@portland.example"])
    assert "Cool roofs for schools" in confirmation.subject
    assert OutboundEmail.objects.filter(to=["staff@cnca.example"]).exists()  # fund staff

    # Back on the dashboard the proposal shows with its status.
    page.get_by_role("link", name="Your account", exact=True).first.click()
    arrived(page, r"/account/$")
    row = main.get_by_role("row", name="Cool roofs for schools")
    expect(row).to_contain_text("Submitted")
