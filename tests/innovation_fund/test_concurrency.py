"""Two people acting on one proposal at the same moment, on the real Postgres."""

import threading

import pytest
from django.db import connection

from innovation_fund import services
from innovation_fund.models import Proposal, ProposalVersion, StatusChange
from tests.factories import CityMembershipFactory
from tests.innovation_fund.factories import ProposalFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def at_once(*operations):
    """Run the operations in threads released together; return what each raised."""
    barrier = threading.Barrier(len(operations))
    outcomes = [None] * len(operations)

    def run(index, operation):
        try:
            barrier.wait()
            operation()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(operations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.fixture
def people():
    first = CityMembershipFactory()
    second = CityMembershipFactory(city=first.city)
    return first.user, second.user


def test_two_submits_at_once_submit_once(people):
    draft = ProposalFactory(lead_city=people[0].city_membership.city)

    def submit(user):
        proposal = Proposal.objects.get(pk=draft.pk)
        return lambda: services.submit_proposal(proposal=proposal, user=user, version=1)

    outcomes = at_once(submit(people[0]), submit(people[1]))

    assert sorted(type(o).__name__ for o in outcomes) == ["NoneType", "WrongStatus"]
    assert StatusChange.objects.filter(proposal=draft).count() == 1
    assert ProposalVersion.objects.filter(proposal=draft).count() == 1


def test_two_saves_of_one_version_at_once_keep_one(people):
    draft = ProposalFactory(lead_city=people[0].city_membership.city)

    def save(user, title):
        proposal = Proposal.objects.get(pk=draft.pk)
        return lambda: services.save_proposal(
            proposal=proposal, user=user, version=1, data={"title": title}
        )

    outcomes = at_once(save(people[0], "First"), save(people[1], "Second"))

    assert sorted(type(o).__name__ for o in outcomes) == ["EditConflict", "NoneType"]
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.title in ("First", "Second")
