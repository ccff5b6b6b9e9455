"""Operations that change members' state. Each runs in one transaction."""

import logging
from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cnca.notifications.services import queue_email, recently_queued
from cnca.servicekit import publish_on_commit

from .models import CityMembership, MemberCity, User

logger = logging.getLogger(__name__)

SELECTION_COMMITTEE_GROUP = "Selection committee"


# --- Password reset -------------------------------------------------------------
#
# The request does the same work whatever the address: it counts the client's
# requests and hands the address to a task, which looks the account up and
# queues the email. The response therefore cannot tell whether an account
# exists. The link is built from SITE_URL, never from the request's Host.

PASSWORD_RESET_TEMPLATE = "members/email/password_reset"  # noqa: S105 (a template name)


def _reset_setting(name, default):
    return getattr(settings, name, default)


def request_password_reset(*, email, client_ip):
    """Ask for a reset email to ``email``; returns False when ``client_ip`` asked too often.

    At most PASSWORD_RESET_IP_LIMIT requests per PASSWORD_RESET_IP_WINDOW
    seconds from one address (counted in the cache; with the cache down, not
    counted). Publishes one task on commit, whether or not an account has
    this email.
    """
    from .tasks import send_password_reset_email

    if not _client_allowed(client_ip):
        return False
    with transaction.atomic():
        publish_on_commit(send_password_reset_email, email)
    return True


def _client_allowed(client_ip):
    limit = _reset_setting("PASSWORD_RESET_IP_LIMIT", 20)
    window = _reset_setting("PASSWORD_RESET_IP_WINDOW", 3600)
    key = f"password-reset:ip:{client_ip}"
    try:
        cache.add(key, 0, timeout=window)
        count = cache.incr(key)
    except Exception:
        logger.warning("Password-reset rate limit not counted: the cache failed.", exc_info=True)
        return True
    return count <= limit


def send_password_reset_email(email):
    """Queue a reset email for each active account with this ``email`` (runs in a task).

    At most one per account every PASSWORD_RESET_EMAIL_EVERY seconds: the key
    names the account and the time window, and a row queued for the account
    within the last window is enough. The email is sensitive: its link works
    for PASSWORD_RESET_TIMEOUT, so the outbox erases it once sent and never
    shows it. Returns the rows queued.
    """
    every = _reset_setting("PASSWORD_RESET_EMAIL_EVERY", 300)
    window = int(timezone.now().timestamp() // every)
    rows = []
    with transaction.atomic():
        for user in User.objects.filter(email__iexact=email.strip(), is_active=True):
            if not user.has_usable_password():
                continue
            key_prefix = f"password-reset:user={user.pk}:"
            if recently_queued(key_prefix, seconds=every):
                continue
            uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
            token = default_token_generator.make_token(user)
            path = reverse(
                "account:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token}
            )
            rows.append(
                queue_email(
                    key=f"{key_prefix}window={window}",
                    to=user.email,
                    template=PASSWORD_RESET_TEMPLATE,
                    context={
                        "user": user,
                        "email": user.email,
                        "reset_url": f"{settings.SITE_URL}{path}",
                        "reason": "You get this email because someone asked to reset the "
                        "password of your CNCA portal account.",
                    },
                    related=user,
                    sensitive=True,
                )
            )
    return rows


# --- Login throttling -----------------------------------------------------------


def lift_login_lockout(user):
    """Forget the failed logins recorded for this person (after a password reset)."""
    unlock_login(email=user.email)


def unlock_login(*, email=None, ip_address=None):
    """Forget the failed logins of an email address (in any case) and/or a client address.

    django-axes records attempts under the lower-cased login (members.auth), so
    the address is folded the same way. Returns how many records were removed.
    """
    removed = 0
    if email:
        removed += axes_reset(username=email.strip().lower())
    if ip_address:
        removed += axes_reset(ip=ip_address.strip())
    return removed


# --- Demo accounts --------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    kind: str  # one of the KIND_* constants
    city_slug: str | None = None

    KIND_ALLIANCE_STAFF = "alliance_staff"
    KIND_COMMITTEE = "committee"
    KIND_CITY_STAFF = "city_staff"

    @property
    def role_label(self):
        return {
            self.KIND_ALLIANCE_STAFF: "Alliance staff (superuser)",
            self.KIND_COMMITTEE: "Selection committee",
            self.KIND_CITY_STAFF: "City staff",
        }[self.kind]


DEMO_ACCOUNTS = (
    DemoAccount("staff@cnca.example", "Alliance Staff (demo)", DemoAccount.KIND_ALLIANCE_STAFF),
    DemoAccount(
        "committee@portland.example",
        "Portland Committee Member (demo)",
        DemoAccount.KIND_COMMITTEE,
        "portland",
    ),
    DemoAccount(
        "committee@copenhagen.example",
        "Copenhagen Committee Member (demo)",
        DemoAccount.KIND_COMMITTEE,
        "copenhagen",
    ),
    DemoAccount(
        "committee@cnca.example", "Independent Committee Member (demo)", DemoAccount.KIND_COMMITTEE
    ),
    DemoAccount(
        "staff@portland.example",
        "Portland City Staff (demo)",
        DemoAccount.KIND_CITY_STAFF,
        "portland",
    ),
    DemoAccount(
        "staff@copenhagen.example",
        "Copenhagen City Staff (demo)",
        DemoAccount.KIND_CITY_STAFF,
        "copenhagen",
    ),
    DemoAccount(
        "staff@stockholm.example",
        "Stockholm City Staff (demo)",
        DemoAccount.KIND_CITY_STAFF,
        "stockholm",
    ),
)


class MissingCitiesError(Exception):
    def __init__(self, slugs):
        self.slugs = sorted(slugs)
        super().__init__("Missing member cities: " + ", ".join(self.slugs))


@dataclass(frozen=True)
class DemoAccountResult:
    account: DemoAccount
    user: User
    city: MemberCity | None
    created: bool


def create_demo_accounts(password, accounts=DEMO_ACCOUNTS):
    """Create or update the demo accounts, all with ``password``.

    Every run brings each account back to its demo shape: flags, committee
    group, city membership and password. Raises MissingCitiesError (and
    changes nothing) when a city they act for is not in the database.
    """
    slugs = {account.city_slug for account in accounts if account.city_slug}
    with transaction.atomic():
        cities = MemberCity.objects.in_bulk(slugs, field_name="slug")
        if missing := slugs - cities.keys():
            raise MissingCitiesError(missing)
        committee, _ = Group.objects.get_or_create(name=SELECTION_COMMITTEE_GROUP)
        return [
            _apply_demo_account(account, password, cities.get(account.city_slug), committee)
            for account in accounts
        ]


def _apply_demo_account(account, password, city, committee):
    user = User.objects.filter(email__iexact=account.email).first()
    created = user is None
    if created:
        user = User(email=User.objects.normalize_email(account.email))
    user.full_name = account.full_name
    user.is_active = True
    user.is_superuser = account.kind == DemoAccount.KIND_ALLIANCE_STAFF
    user.is_staff = account.kind in (DemoAccount.KIND_ALLIANCE_STAFF, DemoAccount.KIND_COMMITTEE)
    user.set_password(password)
    user.save()

    if account.kind == DemoAccount.KIND_COMMITTEE:
        user.groups.add(committee)
    else:
        user.groups.remove(committee)

    if city is None:
        CityMembership.objects.filter(user=user).delete()
    else:
        CityMembership.objects.update_or_create(
            user=user, defaults={"city": city, "role": CityMembership.Role.STAFF}
        )
    return DemoAccountResult(account=account, user=user, city=city, created=created)
