"""Operations that change members' state. Each runs in one transaction."""

from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from cnca.notifications.services import queue_email

from .models import CityMembership, MemberCity, User

SELECTION_COMMITTEE_GROUP = "Selection committee"


# --- Password reset -------------------------------------------------------------


def send_password_reset(*, user, uidb64, token, site_root):
    """Queue the password-reset email in the outbox.

    ``site_root`` is the address the request came to (``https://host``). The key
    holds the token, which changes with every request (it encodes the time), so
    asking twice sends two emails while a retried request sends one.
    """
    path = reverse("account:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    reset_url = f"{site_root}{path}"
    queue_email(
        key=f"password-reset:user={user.pk}:token={token}",
        to=user.email,
        template="members/email/password_reset",
        context={
            "user": user,
            "email": user.email,
            "reset_url": reset_url,
            "reason": "You get this email because someone asked to reset the password "
            "of your CNCA portal account.",
        },
        related=user,
    )


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
