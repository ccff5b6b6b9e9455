"""Demo data for the committee journey: the demo committee on the demonstration
round, and a handful of submitted letters of intent, assigned.

The letters of intent repeat Round 3's public awards (title, lead and partner
cities, the awarded amount as the request), marked as demonstrations: no figure
is invented. The criteria, if the round has none, are named only (equal weights).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from innovation_fund.models import Criterion, FundRound, Proposal, Stage
from members.models import MemberCity, User

from . import services

DEMO_ROUND_SLUG = "demonstration-round"  # made by load_cnca_content
DEMO_CRITERIA = (
    ("Emission reductions", "How much and how surely the project cuts emissions."),
    ("Transformative potential", "Whether it changes a system, not just one building."),
    ("Replicability", "How readily other member cities can use the results."),
    ("Feasibility", "Team, plan and budget: can it be done as described?"),
)


class DemoRoundMissing(Exception):
    pass


def demo_round():
    fund_round = FundRound.objects.filter(slug=DEMO_ROUND_SLUG).first()
    if fund_round is None:
        raise DemoRoundMissing(
            "The demonstration round is not loaded: run manage.py load_cnca_content first."
        )
    return fund_round


@transaction.atomic
def seat_demo_committee(users, actor=None):
    """Put ``users`` on the demonstration round's committee. Returns the round."""
    fund_round = demo_round()
    for user in users:
        services.add_member(fund_round=fund_round, user=user, actor=actor)
    return fund_round


@dataclass
class DemoResult:
    created: int
    assigned: int
    shortfalls: list


@transaction.atomic
def create_demo_proposals(awards, actor):
    """Submitted letters of intent from ``awards`` (the facts' Round 3 list), assigned
    to the demo committee by the automatic assigner. Idempotent (by title)."""
    fund_round = demo_round()
    for position, (name, guidance) in enumerate(DEMO_CRITERIA):
        Criterion.objects.get_or_create(
            round=fund_round,
            stage=Stage.LOI,
            name=name,
            defaults={"guidance": guidance, "position": position},
        )
    cities = {city.name: city for city in MemberCity.objects.all()}
    created = 0
    now = timezone.now()
    for award in awards:
        lead = cities.get(award["lead_city"])
        if lead is None or Proposal.objects.filter(round=fund_round, title=award["title"]).exists():
            continue
        amount = award.get("amount_usd")
        proposal = Proposal.objects.create(
            round=fund_round,
            lead_city=lead,
            title=award["title"],
            summary=(
                f"A demonstration letter of intent, modelled on the Round 3 award "
                f"“{award['title']}” led by {lead.name}. Not a real application."
            ),
            problem="Demonstration only: see the Round 3 award of the same name.",
            approach="Demonstration only.",
            requested_amount_usd=Decimal(amount) if amount else None,
            status=Proposal.Status.SUBMITTED,
            submitted_at=now,
            created_by=actor,
            submitted_by=actor,
        )
        partners = [cities[n] for n in award.get("partner_cities", []) if n in cities]
        proposal.partner_cities.set(partners)
        created += 1
    result = services.auto_assign(fund_round=fund_round, stage=Stage.LOI, actor=actor)
    return DemoResult(created, result.created, result.shortfalls)


def demo_staff():
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
