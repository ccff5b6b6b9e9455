"""The contact form: stored, sent to staff and copied to the sender through the
outbox; a honeypot and a rate limit per address and per IP that survive a cache outage."""

import pytest
from django.urls import reverse

from cnca.cache import forget_outages
from cnca.contact.models import ContactMessage
from cnca.notifications.models import OutboundEmail
from tests.factories import StaffUserFactory, UserFactory
from tests.pagetext import html_of

pytestmark = pytest.mark.django_db

URL = "/contact/"


def message(**changes):
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "topic": "membership",
        "message": "Our city council adopted a carbon-neutrality goal. How do we join?",
        "website": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def staff(db):
    return StaffUserFactory(email="staff@cnca.example")


@pytest.fixture
def rate(settings):
    settings.CONTACT_RATE_PER_ADDRESS = 2
    settings.CONTACT_RATE_PER_IP = 3
    return settings


def test_the_contact_and_about_pages_lead_to_the_form(client):
    contact = html_of(client.get(URL))
    about = html_of(client.get(reverse("cnca:about")))

    assert reverse("cnca:contact") == URL
    assert '<form class="form" method="post" action="/contact/"' in contact
    assert '<label for="id_message">Your message</label>' in contact
    assert '<a href="/contact/">contact the alliance staff</a>' in about


def test_a_message_is_stored_sent_to_staff_and_acknowledged_to_the_sender(client, staff):
    UserFactory(email="not-staff@example.org")

    response = client.post(URL, message())

    assert response.status_code == 302
    assert response["Location"] == reverse("cnca:contact_thanks")
    stored = ContactMessage.objects.get()
    assert (stored.name, stored.email, stored.topic) == (
        "Ada Lovelace",
        "ada@example.org",
        "membership",
    )
    to_staff = OutboundEmail.objects.get(key=f"contact:message={stored.pk}:staff")
    copy = OutboundEmail.objects.get(key=f"contact:message={stored.pk}:copy")
    assert to_staff.to == ["staff@cnca.example"]
    assert to_staff.subject == "Contact form: My city wants to join, from Ada Lovelace"
    assert "How do we join?" in to_staff.text_body
    assert copy.to == ["ada@example.org"]
    assert "message about my city wants to join" in copy.text_body
    assert OutboundEmail.objects.count() == 2

    thanks = html_of(client.get(response["Location"]))
    assert "Thank you: your message is on its way" in thanks


def test_the_recipients_can_be_set(client, settings):
    settings.CONTACT_RECIPIENTS = ["inbox@cnca.example", "director@cnca.example"]

    client.post(URL, message())

    staff_mail = OutboundEmail.objects.get(key__endswith=":staff")
    assert staff_mail.to == ["inbox@cnca.example", "director@cnca.example"]


def test_with_no_staff_address_the_message_is_still_kept(client):
    client.post(URL, message())

    assert ContactMessage.objects.count() == 1
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [["ada@example.org"]]


def test_the_message_is_escaped_in_the_html_email(client, staff):
    client.post(URL, message(message="<script>alert(1)</script>\nSecond line"))

    to_staff = OutboundEmail.objects.get(key__endswith=":staff")
    assert "<script>" not in to_staff.html_body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line" in to_staff.html_body


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"topic": "bogus"}, "topic", "Select a valid choice."),
        ({"message": "   "}, "message", "This field is required."),
        ({"message": "x" * 5001}, "message", "Keep your message to 5,000 characters"),
    ],
)
def test_bad_input_re_renders_with_errors_and_keeps_what_was_typed(
    client, staff, changes, field, error
):
    response = client.post(URL, message(**changes))

    html = response.content.decode()
    assert response.status_code == 200  # the form again, as every form of the site does
    assert "There is a problem" in html
    assert f'<a href="#id_{field}">' in html
    assert error in html
    assert "<title>Error: Contact the alliance | CNCA</title>" in html
    if field != "name":
        assert 'value="Ada Lovelace"' in html
    assert not ContactMessage.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_the_honeypot_looks_like_success_and_keeps_nothing(client, staff):
    response = client.post(URL, message(website="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == reverse("cnca:contact_thanks")
    assert not ContactMessage.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_the_honeypot_is_hidden_from_people(client):
    html = client.get(URL).content.decode()

    assert '<div class="honeypot" aria-hidden="true">' in html
    assert 'name="website"' in html


def test_one_address_may_send_only_so_many_messages(client, staff, rate):
    for _ in range(2):
        assert client.post(URL, message()).status_code == 302

    response = client.post(URL, message(email="ADA@example.org"))

    html = html_of(response)
    assert response.status_code == 429
    assert "You have sent several messages in a short time" in html
    assert "Our city council adopted" in html  # what was typed is kept
    assert ContactMessage.objects.count() == 2


def test_one_ip_address_may_send_only_so_many_messages(client, staff, rate):
    for n in range(3):
        assert client.post(URL, message(email=f"person{n}@example.org")).status_code == 302

    refused = client.post(URL, message(email="person9@example.org"))
    other_ip = client.post(URL, message(email="person9@example.org"), REMOTE_ADDR="198.51.100.7")

    assert refused.status_code == 429
    assert other_ip.status_code == 302
    assert ContactMessage.objects.count() == 4


@pytest.fixture
def cache_down(rate):
    """The site's cache backend pointed at a Redis nobody listens on: an outage."""
    forget_outages()
    rate.CACHES = {
        "default": {
            "BACKEND": "cnca.cache.DegradingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield
    forget_outages()


def test_with_the_cache_down_the_form_works_and_the_address_limit_holds(client, staff, cache_down):
    first = client.post(URL, message())
    second = client.post(URL, message())
    third = client.post(URL, message())

    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)
    assert ContactMessage.objects.count() == 2


def test_staff_read_messages_in_the_admin_but_cannot_alter_them(client, staff):
    client.post(URL, message())
    stored = ContactMessage.objects.get()
    client.force_login(staff)

    changelist = client.get(reverse("admin:contact_contactmessage_changelist"))
    page = client.get(reverse("admin:contact_contactmessage_change", args=[stored.pk]))
    edit = client.post(
        reverse("admin:contact_contactmessage_change", args=[stored.pk]),
        {"message": "changed"},
    )

    assert "Ada Lovelace" in changelist.content.decode()
    assert "How do we join?" in page.content.decode()
    assert edit.status_code == 403
    assert ContactMessage.objects.get().message.endswith("How do we join?")


def test_the_acknowledgement_carries_nothing_the_visitor_typed(client, staff):
    """It goes to any address typed in the form: what a visitor writes must not reach a
    stranger from the alliance's address."""
    client.post(
        URL,
        message(
            name="Win a prize at https://evil.example",
            email="stranger@example.org",
            message="Click https://evil.example/login to claim your prize.",
        ),
    )

    copy = OutboundEmail.objects.get(key__endswith=":copy")
    assert copy.to == ["stranger@example.org"]
    for body in (copy.subject, copy.text_body, copy.html_body):
        assert "evil.example" not in body
        assert "prize" not in body
