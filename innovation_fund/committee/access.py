"""Who on the selection committee may see what (the admin asks these).

Alliance staff (superusers) see everything. A committee member (an active staff
user in the "Selection committee" group) sees the submitted proposals of the
rounds they sit on, except those in conflict with them: their own city leads or
partners the proposal (checked from the city memberships, whatever the Conflict
rows say), or they declared a conflict. Everyone else sees nothing.
"""

from django.db.models import Exists, OuterRef, Q

from innovation_fund import rules
from innovation_fund.models import Assignment, CommitteeMember, Conflict, Proposal
from members.services import SELECTION_COMMITTEE_GROUP


def is_alliance_staff(user):
    return bool(user.is_active and user.is_superuser)


def is_committee_member(user):
    """An active staff user in the committee group. Cached on the user object."""
    if not (user.is_active and user.is_staff):
        return False
    if not hasattr(user, "_committee_member"):
        user._committee_member = user.groups.filter(name=SELECTION_COMMITTEE_GROUP).exists()
    return user._committee_member


def conflicted(user):
    """A condition on proposals: in conflict with ``user`` (own city, or declared)."""
    condition = Q(Exists(Conflict.objects.filter(member__user=user, proposal=OuterRef("pk"))))
    city_id = rules.city_id_of(user)
    if city_id is not None:
        partner = Proposal.partner_cities.through.objects.filter(
            proposal=OuterRef("pk"), membercity_id=city_id
        )
        condition |= Q(lead_city_id=city_id) | Q(Exists(partner))
    return condition


def visible_proposals(user):
    """The proposals ``user`` may see in the admin."""
    if is_alliance_staff(user):
        return Proposal.objects.all()
    if not is_committee_member(user):
        return Proposal.objects.none()
    seats = CommitteeMember.objects.filter(user=user, round=OuterRef("round"))
    return Proposal.objects.filter(Exists(seats), submitted_at__isnull=False).exclude(
        conflicted(user)
    )


def is_conflicted(user, proposal):
    return Proposal.objects.filter(pk=proposal.pk).filter(conflicted(user)).exists()


def assignment_of(user, proposal, stage):
    """The user's assignment to score ``proposal`` at ``stage``, or None."""
    return (
        Assignment.objects.filter(member__user=user, proposal=proposal, stage=stage)
        .select_related("member")
        .first()
    )
