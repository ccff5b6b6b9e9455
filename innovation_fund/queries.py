"""Reusable reads of the fund: the applicant dashboard, a proposal page, open rounds.

Every function here costs a fixed number of queries, whatever the number of
proposals (tests assert it with 1 and 20).
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from . import rules
from .models import FundRound, Proposal, Stage, StatusChange
from .services import EDITABLE, WITHDRAWABLE


@dataclass
class ProposalRow:
    proposal: Proposal
    is_lead: bool
    actions: list = field(default_factory=list)  # (label, url name) pairs open now


@dataclass
class RoundGroup:
    fund_round: FundRound
    next_deadline: tuple | None  # (label, moment) or None
    rows: list


def rounds_taking_lois(now=None):
    """Rounds whose call is open at ``now`` (LOI stage open), soonest deadline first."""
    now = now or timezone.now()
    return list(
        FundRound.objects.filter(
            is_historical=False, call_opens_at__lte=now, loi_deadline__gt=now
        ).order_by("loi_deadline")
    )


def actions_for(proposal, now, is_lead):
    """What the person can do with ``proposal`` now: (label, url name) pairs."""
    if not is_lead:
        return []
    stage = proposal.stage
    if not proposal.round.stage_open_at(stage, now):
        return []
    actions = []
    if proposal.status in EDITABLE[stage]:
        actions.append(("Edit", "innovation_fund:proposal_edit"))
        if proposal.status == EDITABLE[stage][0]:
            label = "Submit" if stage == Stage.LOI else "Submit the full proposal"
            actions.append((label, "innovation_fund:proposal_submit"))
    if proposal.status in WITHDRAWABLE:
        actions.append(("Withdraw", "innovation_fund:proposal_withdraw"))
    return actions


def applicant_dashboard(user, now=None):
    """The /account/ dashboard's fund part for ``user``: 3 queries, or 1 with no city.

    Returns {"city_id", "open_rounds", "groups"}: the rounds taking letters of
    intent now, and the city's proposals (lead or partner) grouped by round,
    newest round first.
    """
    now = now or timezone.now()
    city_id = rules.city_id_of(user)
    if city_id is None:
        return {"city_id": None, "open_rounds": [], "groups": []}
    open_rounds = rounds_taking_lois(now)
    proposals = (
        Proposal.objects.filter(Q(lead_city_id=city_id) | Q(partner_cities__id=city_id))
        .distinct()
        .select_related("round", "lead_city")
        .order_by("-round__call_opens_at", "-round_id", "-created_at", "-pk")
    )
    groups = {}
    for proposal in proposals:
        group = groups.get(proposal.round_id)
        if group is None:
            group = groups[proposal.round_id] = RoundGroup(
                proposal.round, proposal.round.next_deadline_at(now), []
            )
        is_lead = proposal.lead_city_id == city_id
        group.rows.append(ProposalRow(proposal, is_lead, actions_for(proposal, now, is_lead)))
    return {"city_id": city_id, "open_rounds": open_rounds, "groups": list(groups.values())}


def proposal_for_page(pk):
    """One proposal with everything its page shows, in 5 queries (None if none)."""
    return (
        Proposal.objects.select_related("round", "lead_city", "submitted_by", "created_by")
        .prefetch_related(
            "partner_cities",
            "budget_lines",
            "milestones",
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related("actor").order_by("at", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def visible_proposal(user, pk):
    """The proposal ``pk`` if ``user`` may see it, else None (the view answers 404)."""
    proposal = proposal_for_page(pk)
    if proposal is None or not rules.can_view_proposal(user, proposal):
        return None
    return proposal
