"""The stored aggregates (Standing): the services keep them equal to what the formula
computes from the reviews now, through every path that changes a review or a weight,
and two reviewers submitting at once are both counted."""

import importlib
import threading

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from innovation_fund import queries
from innovation_fund.committee import services
from innovation_fund.models import Proposal, Review, Stage, Standing
from tests.innovation_fund.committee_factories import (
    AssignmentFactory,
    CommitteeMemberFactory,
    criteria,
    submitted_review,
)
from tests.innovation_fund.factories import FundRoundFactory

pytestmark = pytest.mark.django_db


def computed(proposal, stage=Stage.LOI):
    """The aggregates the formula gives from the rows as they are now."""
    [(_, values)] = queries.standing_values(Proposal.objects.filter(pk=proposal.pk), stage)
    return values


def stored(proposal, stage=Stage.LOI):
    return queries.aggregates_of(proposal, stage)


@pytest.fixture
def fund_round():
    return FundRoundFactory()


@pytest.fixture
def crit(fund_round):
    return criteria(fund_round, ["1", "2"])


def _assignment(fund_round, proposal=None):
    member = CommitteeMemberFactory(round=fund_round)
    if proposal is None:
        return AssignmentFactory(member=member)
    return AssignmentFactory(member=member, proposal=proposal)


def _save(assignment, scores, submit=True, recommendation="yes"):
    return services.save_review(
        user=assignment.member.user,
        proposal=assignment.proposal,
        stage=Stage.LOI,
        data=services.ReviewInput(scores=scores, recommendation=recommendation),
        submit=submit,
    )


def test_a_proposal_nobody_reviewed_has_no_reviews(fund_round, crit):
    proposal = _assignment(fund_round).proposal
    assert stored(proposal) == queries.NO_REVIEWS
    assert stored(proposal) == computed(proposal)


def test_the_review_service_keeps_the_standing_through_draft_submit_and_edit(fund_round, crit):
    first = _assignment(fund_round)
    second = _assignment(fund_round, first.proposal)
    proposal = first.proposal
    high, low = crit

    _save(first, {high.pk: 4}, submit=False, recommendation="")
    assert stored(proposal)["review_count"] == 0  # a draft does not count
    _save(first, {high.pk: 4, low.pk: 2}, submit=True)  # (4 + 4) / 3
    assert stored(proposal)["score_mean"] == pytest.approx(8 / 3)
    _save(second, {high.pk: 5, low.pk: None}, submit=True, recommendation="no")  # 5
    _save(first, {high.pk: 1, low.pk: 1}, submit=True, recommendation="maybe")  # edited: 1

    assert stored(proposal) == computed(proposal)
    assert stored(proposal)["review_count"] == 2
    assert stored(proposal)["score_mean"] == pytest.approx(3.0)
    assert stored(proposal)["score_stddev"] == pytest.approx(2.0)
    counts = (stored(proposal)[name] for name in ("yes_count", "maybe_count", "no_count"))
    assert tuple(counts) == (0, 1, 1)


def test_a_weight_change_recomputes_the_standings_of_the_round(fund_round, crit):
    assignment = _assignment(fund_round)
    _save(assignment, {crit[0].pk: 4, crit[1].pk: 1})  # (4 + 2) / 3 = 2
    crit[1].weight = 1
    crit[1].save()  # (4 + 1) / 2
    assert stored(assignment.proposal)["score_mean"] == pytest.approx(2.5)
    assert stored(assignment.proposal) == computed(assignment.proposal)


def test_the_ranking_reads_the_stored_numbers(fund_round, crit):
    assignment = _assignment(fund_round)
    _save(assignment, {crit[0].pk: 5, crit[1].pk: 5})
    Standing.objects.filter(proposal=assignment.proposal).update(score_mean=1.25)
    [row] = queries.ranking(fund_round, Stage.LOI)
    assert row.score_mean == pytest.approx(1.25)


def test_the_repair_command_recomputes_what_was_changed_around_the_services(fund_round, crit):
    reviewer = CommitteeMemberFactory(round=fund_round).user
    review = submitted_review(_assignment(fund_round).proposal, reviewer, {crit[0]: 5, crit[1]: 5})
    proposal = review.proposal
    Review.objects.filter(pk=review.pk).update(recommendation="no", weighted_score=None)
    Standing.objects.filter(proposal=proposal).update(review_count=7, score_mean=None)

    call_command("refresh_committee_scores", "--round", fund_round.slug, stdout=None)

    review.refresh_from_db()
    assert review.weighted_score == pytest.approx(5.0)
    assert stored(proposal) == computed(proposal)
    assert (stored(proposal)["review_count"], stored(proposal)["no_count"]) == (1, 1)


def test_the_repair_command_names_a_round_that_does_not_exist():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no-such-round"):
        call_command("refresh_committee_scores", "--round", "no-such-round")


def test_the_migration_computes_the_standings_of_what_was_reviewed_before_it(fund_round, crit):
    reviewer = CommitteeMemberFactory(round=fund_round).user
    review = submitted_review(_assignment(fund_round).proposal, reviewer, {crit[0]: 3, crit[1]: 4})
    Standing.objects.all().delete()
    migration = importlib.import_module("innovation_fund.migrations.0008_standing")

    migration.compute_standings(apps, connection.schema_editor())

    assert stored(review.proposal) == computed(review.proposal)
    assert stored(review.proposal)["review_count"] == 1


@pytest.mark.django_db(transaction=True)
def test_refreshing_outside_a_transaction_is_refused(fund_round):
    from cnca.servicekit import NotInTransaction

    with pytest.raises(NotInTransaction):
        services.refresh_standings(Proposal.objects.all(), Stage.LOI)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_submitting_at_once_are_both_counted(fund_round, crit):
    """Without the lock, the second transaction computes before the first commits
    and stores a count of 1 over the first's 2 (a lost update)."""
    first = _assignment(fund_round)
    second = _assignment(fund_round, first.proposal)
    first_saved = threading.Event()
    release_first = threading.Event()
    errors = []

    def submit_first():
        try:
            with transaction.atomic():
                _save(first, {crit[0].pk: 5, crit[1].pk: 5})
                first_saved.set()
                release_first.wait(10)  # hold the transaction open while the other runs
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def submit_second():
        try:
            first_saved.wait(10)
            threading.Timer(0.5, release_first.set).start()
            _save(second, {crit[0].pk: 1, crit[1].pk: 1})
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit_first), threading.Thread(target=submit_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert stored(first.proposal)["review_count"] == 2
    assert stored(first.proposal) == computed(first.proposal)
