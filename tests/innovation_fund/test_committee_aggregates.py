"""The committee's aggregates on hand-worked cases (innovation_fund/queries.py).

Criteria weights 1, 2 and 1 (scale 1-5). Weighted score = sum(value * weight) /
sum(weight) over the criteria not n/a.
"""

import math

import pytest

from innovation_fund import queries
from innovation_fund.models import Review, Stage
from tests.innovation_fund.committee_factories import (
    CommitteeUserFactory,
    SubmittedProposalFactory,
    criteria,
    refresh_scores,
    submitted_review,
)
from tests.innovation_fund.factories import FundRoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund_round():
    return FundRoundFactory()


@pytest.fixture
def crit(fund_round):
    return criteria(fund_round, ["1", "2", "1"])


def _review(proposal, crit, values, recommendation="yes"):
    return submitted_review(
        proposal, CommitteeUserFactory(), dict(zip(crit, values, strict=True)), recommendation
    )


def test_weighted_score_renormalises_the_weights_without_na(fund_round, crit):
    proposal = SubmittedProposalFactory(round=fund_round)
    # 4*1 + 5*2 + 2*1 = 16 over weight 4 -> 4.0
    assert _review(proposal, crit, [4, 5, 2]).weighted_score == pytest.approx(4.0)
    # criterion 2 n/a: (3*1 + 5*1) / 2 = 4.0, not (3 + 0 + 5) / 4 = 2.0
    assert _review(proposal, crit, [3, None, 5]).weighted_score == pytest.approx(4.0)
    # criterion 1 n/a: (2*2 + 5*1) / 3 = 3.0
    assert _review(proposal, crit, [None, 2, 5]).weighted_score == pytest.approx(3.0)


def test_an_all_na_review_has_no_score_and_is_left_out_of_the_numbers(fund_round, crit):
    proposal = SubmittedProposalFactory(round=fund_round)
    assert _review(proposal, crit, [None, None, None], "no").weighted_score is None
    _review(proposal, crit, [4, 5, 2], "yes")  # 4.0
    _review(proposal, crit, [2, 2, 2], "maybe")  # 2.0
    result = queries.aggregates_of(proposal, Stage.LOI)
    assert result["review_count"] == 3
    assert result["score_mean"] == pytest.approx(3.0)
    assert result["score_min"] == pytest.approx(2.0)
    assert result["score_max"] == pytest.approx(4.0)
    # population standard deviation of 4 and 2 is 1
    assert result["score_stddev"] == pytest.approx(1.0)
    assert (result["yes_count"], result["maybe_count"], result["no_count"]) == (1, 1, 1)


def test_a_single_review_proposal_has_no_disagreement(fund_round, crit):
    proposal = SubmittedProposalFactory(round=fund_round)
    _review(proposal, crit, [5, 3, 4])  # (5 + 6 + 4) / 4 = 3.75
    result = queries.aggregates_of(proposal, Stage.LOI)
    assert result["review_count"] == 1
    assert result["score_mean"] == pytest.approx(3.75)
    assert result["score_min"] == result["score_max"] == pytest.approx(3.75)
    assert result["score_stddev"] == pytest.approx(0.0)


def test_drafts_and_the_other_stage_do_not_count(fund_round, crit):
    proposal = SubmittedProposalFactory(round=fund_round)
    _review(proposal, crit, [5, 5, 5])
    draft = _review(proposal, crit, [1, 1, 1])
    Review.objects.filter(pk=draft.pk).update(submitted_at=None)
    submitted_review(proposal, CommitteeUserFactory(), {}, stage=Stage.FULL)
    refresh_scores(proposal)
    result = queries.aggregates_of(proposal, Stage.LOI)
    assert result["review_count"] == 1
    assert result["score_mean"] == pytest.approx(5.0)


def test_ranking_ranks_by_mean_with_ties_and_runs_the_total_in_rank_order(fund_round, crit):
    a = SubmittedProposalFactory(round=fund_round, requested_amount_usd=100)
    b = SubmittedProposalFactory(round=fund_round, requested_amount_usd=200)
    c = SubmittedProposalFactory(round=fund_round, requested_amount_usd=50)
    d = SubmittedProposalFactory(round=fund_round, requested_amount_usd=10)  # no review
    _review(a, crit, [3, 3, 3])  # 3
    _review(b, crit, [5, 5, 5])  # 5
    _review(b, crit, [3, 3, 3])  # 3 -> mean 4, stddev 1
    _review(c, crit, [4, 3, 5])  # (4 + 6 + 5) / 4 = 3.75
    rows = list(queries.ranking(fund_round, Stage.LOI))
    assert [p.pk for p in rows] == [b.pk, c.pk, a.pk, d.pk]
    assert [p.rank for p in rows][:3] == [1, 2, 3]
    assert [float(p.running_total) for p in rows] == [200, 250, 350, 360]
    assert rows[0].score_stddev == pytest.approx(1.0)
    assert rows[3].score_mean is None
    assert rows[3].review_count == 0


def test_equal_means_share_a_rank(fund_round, crit):
    a = SubmittedProposalFactory(round=fund_round)
    b = SubmittedProposalFactory(round=fund_round)
    _review(a, crit, [4, 4, 4])
    _review(b, crit, [4, 4, 4])
    assert [p.rank for p in queries.ranking(fund_round, Stage.LOI)] == [1, 1]


def test_a_weight_change_recomputes_the_stored_scores(fund_round, crit):
    proposal = SubmittedProposalFactory(round=fund_round)
    review = _review(proposal, crit, [4, 5, 2])  # 4.0
    crit[1].weight = 1
    crit[1].save()  # (4 + 5 + 2) / 3
    review.refresh_from_db()
    assert review.weighted_score == pytest.approx(11 / 3)
    assert not math.isnan(review.weighted_score)
