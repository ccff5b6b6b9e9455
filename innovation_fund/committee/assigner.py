"""The automatic assigner: who scores which proposal (docs/decisions/, "the assigner").

Pure: it takes ids and returns a plan, so it is tested without a database and
the service (``services.auto_assign``) does the reading and writing.

Greedy, most constrained first: proposals with the fewest eligible members are
served first, and each proposal takes the eligible members with the lightest
load so far (ties broken by member id, so a plan is reproducible). Existing
assignments count towards both a proposal's N and a member's load, so running
it again only fills gaps. Without conflicts, loads differ by at most one.
"""

from dataclasses import dataclass, field


@dataclass
class Plan:
    new: list = field(default_factory=list)  # (proposal id, member id) pairs to create
    shortfalls: dict = field(default_factory=dict)  # proposal id -> reviewers still missing


def plan(*, proposals, members, per_proposal, existing=(), conflicts=()):
    """Assign ``per_proposal`` members to each proposal.

    ``proposals`` and ``members`` are ids; ``existing`` and ``conflicts`` are
    (proposal id, member id) pairs. Returns a :class:`Plan`.
    """
    members = sorted(set(members))
    assigned = {proposal: set() for proposal in proposals}
    load = dict.fromkeys(members, 0)
    for proposal, member in existing:
        if proposal in assigned:
            assigned[proposal].add(member)
        if member in load:
            load[member] += 1
    blocked = {}
    for proposal, member in conflicts:
        blocked.setdefault(proposal, set()).add(member)

    def eligible(proposal):
        taken = assigned[proposal] | blocked.get(proposal, set())
        return [member for member in members if member not in taken]

    result = Plan()
    order = sorted(proposals, key=lambda p: (len(eligible(p)), p))
    for proposal in order:
        need = per_proposal - len(assigned[proposal])
        if need <= 0:
            continue
        chosen = sorted(eligible(proposal), key=lambda m: (load[m], m))[:need]
        for member in chosen:
            assigned[proposal].add(member)
            load[member] += 1
            result.new.append((proposal, member))
        if len(chosen) < need:
            result.shortfalls[proposal] = need - len(chosen)
    return result
