"""Who may see and change a proposal (django-rules predicates).

A person acts for at most one city (``members.CityMembership``). Staff of the
lead city work on the proposal; staff of a partner city read it. Everyone else,
alliance staff included, reaches proposals through the admin, not the
applicant pages.

Each predicate costs at most one query (the partner check), none when the
user's membership and the proposal's partner cities are already loaded
(``queries.proposals_for_city`` prefetches them).
"""

import rules


def city_id_of(user):
    """The id of the city ``user`` acts for, or None. Cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_fund_city_id"):
        try:
            membership = user.city_membership
        except user._meta.model.city_membership.RelatedObjectDoesNotExist:
            membership = None
        user._fund_city_id = membership.city_id if membership else None
    return user._fund_city_id


@rules.predicate
def is_city_staff(user):
    return city_id_of(user) is not None


@rules.predicate
def is_city_staff_of_lead(user, proposal):
    city_id = city_id_of(user)
    return city_id is not None and proposal is not None and proposal.lead_city_id == city_id


@rules.predicate
def is_partner_city_staff(user, proposal):
    city_id = city_id_of(user)
    if city_id is None or proposal is None:
        return False
    cache = getattr(proposal, "_prefetched_objects_cache", {})
    if "partner_cities" in cache:
        return any(city.pk == city_id for city in cache["partner_cities"])
    return proposal.partner_cities.filter(pk=city_id).exists()


can_view_proposal = is_city_staff_of_lead | is_partner_city_staff
# Whether the stage is still open is the services' question (deadlines, status);
# this says who may try.
can_edit_proposal = is_city_staff_of_lead
can_apply = is_city_staff

rules.add_perm("innovation_fund.view_own_proposal", can_view_proposal)
rules.add_perm("innovation_fund.change_own_proposal", can_edit_proposal)
rules.add_perm("innovation_fund.apply", can_apply)
