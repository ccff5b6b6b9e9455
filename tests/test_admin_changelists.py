"""Every admin changelist is bounded: its query count with 50 rows is its count with 5.

One entry of ``CHANGELISTS`` per model registered with the admin site (the guard
test fails, naming the model, when a registered model has none), plus the views
that run other querysets: a committee member's own proposal list and reviews. Each
entry makes rows varied enough to take every branch of the page's columns: the
check ``_assert_varied`` refuses a batch whose shown rows all hold one value in a
column or a ``list_select_related`` path (or never an empty one where it may be
empty), since rows that are all alike can hide a query per row.

The committee's ranking (the proposal list with a round chosen) has its own test,
at 10 and 500 proposals, in tests/innovation_fund/test_committee_admin.py.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cnca.contact.models import ContactMessage
from cnca.notifications.models import OutboundEmail
from cnca.notifications.services import queue_email
from innovation_fund.committee import services as committee_services
from innovation_fund.models import (
    Assignment,
    CommitteeAuditEntry,
    CommitteeMember,
    Conflict,
    Decision,
    FundRound,
    Proposal,
    Review,
    Stage,
)
from members.models import CityMembership, MemberCity, Region, Supporter
from news.models import NewsItem
from resources.models import Fuel, Resource, Sector, SpendingComparison
from tests.factories import (
    CityMembershipFactory,
    MemberCityFactory,
    StaffUserFactory,
    SupporterFactory,
    UserFactory,
)
from tests.innovation_fund.committee_factories import (
    CommitteeMemberFactory,
    CommitteeUserFactory,
    SubmittedProposalFactory,
)
from tests.innovation_fund.factories import CriterionFactory, FundRoundFactory, ProposalFactory
from tests.innovation_fund.public.factories import AwardFactory
from tests.news.factories import NewsItemFactory, SubscriberFactory, TagFactory
from tests.querycount import queries_of_get
from tests.resources.factories import ResourceFactory, SpendingFigureFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 50

_serial = itertools.count(1)


def _ago(i, days=37):
    """A moment ``i`` steps back, spread over months and years (date hierarchies)."""
    return timezone.now() - timedelta(days=days * i, hours=i)


@dataclass
class Viewer:
    """Who is signed in, and (for a committee member) their seats and city."""

    user: object
    seats: list = field(default_factory=list)
    city: object = None


@dataclass
class Changelist:
    make: object  # make(viewer, n): n more rows the viewer sees in the list
    member: bool = False  # signed in as a committee member instead of alliance staff
    uniform: tuple = ()  # columns that are one value by the page's nature
    annotations: tuple = ()  # computed attributes of the rows that must vary too
    query: str = ""  # the changelist's query string, from "?"


# --- Helpers ------------------------------------------------------------------------------


def _pool(factory, size, **kwargs):
    return [factory(**kwargs) for _ in range(size)]


def _at(instances, attribute, moments):
    """Set a date the model sets itself on save (auto_now_add) to ``moments``."""
    for instance, moment in zip(instances, moments, strict=True):
        type(instance).objects.filter(pk=instance.pk).update(**{attribute: moment})


def _seat(fund_round):
    return CommitteeMemberFactory(round=fund_round)


# --- Makers: n more rows each ---------------------------------------------------------------


def make_groups(viewer, n):
    permissions = list(Permission.objects.order_by("pk")[:6])
    for i in range(n):
        group = Group.objects.create(name=f"Group {next(_serial)}")
        group.permissions.set(permissions[: i % 4])
        if i % 2:
            UserFactory().groups.add(group)


def _axes_row(model, i, **fields):
    k = next(_serial)
    return model(
        user_agent=f"Agent {k}",
        ip_address=None if i % 3 == 0 else f"192.0.2.{k % 250 + 1}",
        username=None if i % 4 == 1 else f"person{k}@example.org",
        http_accept="text/html",
        path_info="/account/login/" if i % 2 else "/admin/login/",
        **fields,
    )


def make_access_attempts(viewer, n):
    rows = AccessAttempt.objects.bulk_create(
        _axes_row(AccessAttempt, i, get_data="", post_data="", failures_since_start=1 + i % 7)
        for i in range(n)
    )
    _at(rows, "attempt_time", [_ago(i) for i in range(n)])


def make_access_logs(viewer, n):
    rows = AccessLog.objects.bulk_create(
        _axes_row(AccessLog, i, logout_time=None if i % 2 else _ago(i, days=1)) for i in range(n)
    )
    _at(rows, "attempt_time", [_ago(i) for i in range(n)])


def make_access_failure_logs(viewer, n):
    rows = AccessFailureLog.objects.bulk_create(
        _axes_row(AccessFailureLog, i, locked_out=bool(i % 2)) for i in range(n)
    )
    _at(rows, "attempt_time", [_ago(i) for i in range(n)])


def make_outbox(viewer, n):
    city, proposal = MemberCityFactory(), ProposalFactory()
    states = list(OutboundEmail.State)
    with transaction.atomic():
        rows = [
            queue_email(
                key=f"changelist-{next(_serial)}",
                to=["ana@oslo.example", "ben@paris.example"][: 1 + i % 2],
                template="notifications/email/notice",
                context={"subject": f"Notice {i}", "paragraphs": ["Hi."], "reason": "A test."},
                related=[None, city, proposal][i % 3],
                sensitive=i % 4 == 3,
            )
            for i in range(n)
        ]
    for i, row in enumerate(rows):
        state = states[i % len(states)]
        OutboundEmail.objects.filter(pk=row.pk).update(
            state=state,
            attempts=i % 3,
            sent_at=timezone.now() if state == OutboundEmail.State.SENT else None,
            created_at=_ago(i),
        )


def make_contact_messages(viewer, n):
    topics = list(ContactMessage.Topic)
    rows = ContactMessage.objects.bulk_create(
        ContactMessage(
            name=f"Writer {k}",
            email=f"writer{k}@example.org",
            topic=topics[i % len(topics)],
            message="How do we join?",
        )
        for i, k in ((i, next(_serial)) for i in range(n))
    )
    _at(rows, "received_at", [_ago(i) for i in range(n)])


def make_users(viewer, n):
    cities = _pool(MemberCityFactory, 3)
    roles = list(CityMembership.Role)
    for i in range(n):
        user = UserFactory(
            is_staff=i % 3 == 0,
            is_active=i % 5 != 4,
            last_login=None if i % 2 else _ago(i, days=3),
        )
        if i % 4 == 1:
            user.set_unusable_password()  # an invitation not yet accepted
            user.save(update_fields=["password"])
        if i % 3:
            CityMembershipFactory(user=user, city=cities[i % 3], role=roles[i % 2])


def make_cities(viewer, n):
    regions = list(Region)
    for i in range(n):
        MemberCityFactory(
            country=["US", "DK", "NO", "AU"][i % 4],
            region=regions[i % len(regions)],
            founding_member=bool(i % 2),
            status=list(MemberCity.Status)[i % 3 // 2],
            target_year=None if i % 3 == 2 else 2030 + i % 25,
            joined=None if i % 2 else date(2015, 1 + i % 12, 1),
        )


def make_supporters(viewer, n):
    roles = list(Supporter.Role)
    for i in range(n):
        SupporterFactory(
            short_name="" if i % 2 else f"S{i}", role=roles[i % len(roles)], position=i
        )


def make_rounds(viewer, n):
    undated = dict.fromkeys(field for field, _label in FundRound.TIMELINE)
    for i in range(n):
        opens = timezone.now() + timedelta(days=[-400, -7, 30][i % 3] + i)
        FundRoundFactory(
            year=None if i % 4 == 2 else 2016 + i % 10,
            is_demo=i % 3 == 0,
            is_historical=i % 4 == 1,
            name=f"Round {next(_serial)}" + (" (demonstration)" if i % 5 == 0 else ""),
            # A past round from the public record may have no dates at all.
            **(undated if i % 4 == 1 else {"call_opens_at": opens}),
        )


def make_criteria(viewer, n):
    rounds = _pool(FundRoundFactory, 3)
    for i in range(n):
        CriterionFactory(
            round=rounds[i % 3],
            stage=Stage.values[i % 2],
            weight=Decimal(1 + i % 3),
            scale_max=[5, 10][i % 2],
            position=i,
        )


def make_awards(viewer, n):
    rounds = [FundRoundFactory(), FundRoundFactory(is_demo=True)]
    cities = _pool(MemberCityFactory, 3)
    themes = ["energy", "transport", "buildings"]
    for i in range(n):
        AwardFactory(
            round=rounds[i % 2],
            lead_city=cities[i % 3],
            amount_usd=None if i % 3 == 2 else Decimal(10000 + i),
            announced_on=None if i % 2 else date(2020, 1 + i % 12, 1),
            partner_cities=cities[: i % 3],
            themes=themes[: i % 4],
            proposal=SubmittedProposalFactory(round=rounds[i % 2]) if i % 2 else None,
        )


def make_proposals(viewer, n):
    rounds = [FundRoundFactory(), FundRoundFactory(is_demo=True)]
    cities = _pool(MemberCityFactory, 3)
    statuses = [
        Proposal.Status.DRAFT,
        Proposal.Status.SUBMITTED,
        Proposal.Status.FINALIST,
        Proposal.Status.WITHDRAWN,
    ]
    for i in range(n):
        status = statuses[i % 4]
        proposal = ProposalFactory(
            round=rounds[i % 2],
            lead_city=cities[i % 3],
            status=status,
            submitted_at=None if status == Proposal.Status.DRAFT else _ago(i, days=2),
        )
        proposal.partner_cities.set(cities[: i % 3])


def _committee(size=3):
    """A round with ``size`` committee seats on it, and a second round with one."""
    first, second = FundRoundFactory(), FundRoundFactory()
    return [_seat(first) for _ in range(size)] + [_seat(second)]


def make_reviews(viewer, n):
    seats = _committee()
    recommendations = ["", "yes", "maybe", "no"]
    for i in range(n):
        seat = seats[i % len(seats)]
        submitted = i % 2 == 1
        Review.objects.create(
            proposal=SubmittedProposalFactory(round=seat.round),
            reviewer=seat.user,
            stage=Stage.values[i // 2 % 2],
            recommendation=recommendations[i % 4],  # the odd, submitted ones: yes or no
            weighted_score=None if i % 3 == 0 else 1 + i % 5,
            submitted_at=_ago(i, days=1) if submitted else None,
        )


def make_committee_members(viewer, n):
    rounds = _pool(FundRoundFactory, 3)
    for i in range(n):
        CommitteeMemberFactory(round=rounds[i % 3], added_at=_ago(i, days=2))


def make_assignments(viewer, n):
    seats = _committee()
    staff = StaffUserFactory()
    methods = list(Assignment.Method)
    for i in range(n):
        seat = seats[i % len(seats)]
        Assignment.objects.create(
            member=seat,
            proposal=SubmittedProposalFactory(round=seat.round),
            stage=Stage.values[i % 2],
            method=methods[i % 2],
            assigned_by=None if i % 3 == 0 else staff,
            assigned_at=_ago(i, days=1),
        )


def make_conflicts(viewer, n):
    seats = _committee()
    for i in range(n):
        seat = seats[i % len(seats)]
        declared = i % 2 == 0
        Conflict.objects.create(
            member=seat,
            proposal=SubmittedProposalFactory(round=seat.round),
            kind=Conflict.Kind.DECLARED if declared else Conflict.Kind.AUTOMATIC,
            reason="I advised the city on it." if declared else "",
            declared_at=_ago(i, days=1),
        )


def make_decisions(viewer, n):
    deciders = _pool(StaffUserFactory, 2)
    fund_round = FundRoundFactory()
    for i in range(n):
        stage = Stage.values[i % 2]
        outcome = Decision.STAGE_OUTCOMES[stage][i // 2 % 2]
        released = i % 3 == 0
        Decision.objects.create(
            proposal=SubmittedProposalFactory(round=fund_round),
            stage=stage,
            outcome=outcome,
            amount_usd=Decimal(5000 + i) if outcome == Decision.Outcome.AWARDED else None,
            decided_by=deciders[i % 2],
            released_by=deciders[(i + 1) % 2] if released else None,
            released_at=_ago(i, days=1) if released else None,
        )


def make_audit_entries(viewer, n):
    rounds = _pool(FundRoundFactory, 2)
    actors = _pool(StaffUserFactory, 2)
    actions = list(CommitteeAuditEntry.Action)
    for i in range(n):
        fund_round = rounds[i % 2]
        CommitteeAuditEntry.objects.create(
            actor=None if i % 3 == 0 else actors[i % 2],
            at=_ago(i),
            action=actions[i % len(actions)],
            round=fund_round,
            proposal=SubmittedProposalFactory(round=fund_round) if i % 2 else None,
            stage=["", *Stage.values][i % 3],
            subject=f"member {i}" if i % 2 else "",
            changes={"score": [i, i + 1]} if i % 4 else {},
        )


def make_tags(viewer, n):
    TagFactory.create_batch(n)


def make_news(viewer, n):
    authors = [None, *_pool(StaffUserFactory, 2)]
    tags = TagFactory.create_batch(2)
    statuses = list(NewsItem.Status)
    for i in range(n):
        status = statuses[i % 3]
        NewsItemFactory(
            author=authors[i % 3],
            status=status,
            publish_at=None
            if status == NewsItem.Status.DRAFT
            else timezone.now() + timedelta(days=-i if i % 2 else i + 1),
            tags=tags[: i % 3],
        )


def make_subscribers(viewer, n):
    for i in range(n):
        SubscriberFactory(confirmed_at=None if i % 2 else _ago(i, days=1))


def make_resources(viewer, n):
    kinds = list(Resource.Kind)
    made = []
    for i in range(n):
        resource = ResourceFactory(
            kind=kinds[i % len(kinds)],
            published_on=None if i % 4 == 2 else date(2010 + i % 10, 1 + i % 12, 1),
            is_published=bool(i % 3),
            companion_of=made[-1] if i % 2 else None,
        )
        if i % 3 == 0:
            Resource.objects.filter(pk=resource.pk).update(file=f"resources/report-{i}.pdf")
        made.append(resource)


def make_spending_figures(viewer, n):
    sectors, fuels = list(Sector), list(Fuel)
    for i in range(n):
        SpendingFigureFactory(
            year=None if i % 3 == 0 else 2010 + i % 10,
            sector=sectors[i % len(sectors)],
            fuel=fuels[i % len(fuels)],
            amount_usd=1_000_000 * (1 + i),
            illustrative=bool(i % 2),
            source_title="" if i % 2 else f"City budget {i}",
        )


def make_spending_comparisons(viewer, n):
    SpendingComparison.objects.bulk_create(
        SpendingComparison(
            label=f"Something to compare {next(_serial)}",
            amount_usd=1_000_000 * (1 + i),
            source_title="" if i % 2 else f"Source {i}",
            position=i,
        )
        for i in range(n)
    )


# --- A committee member's own pages -----------------------------------------------------------


def sign_in_member(client):
    """A member of Copenhagen sitting on two rounds."""
    seat = _seat(FundRoundFactory())
    second = CommitteeMember.objects.create(round=FundRoundFactory(is_demo=True), user=seat.user)
    city = MemberCityFactory(name="Copenhagen")
    CityMembershipFactory(user=seat.user, city=city)
    client.force_login(seat.user)
    return Viewer(user=seat.user, seats=[seat, second], city=city)


def _hidden_from(viewer):
    """Proposals the member must not see: in conflict, their city's, another round's,
    a draft; and other members' reviews of them."""
    seat = viewer.seats[0]
    declared = SubmittedProposalFactory(round=seat.round)
    committee_services.declare_conflict(user=viewer.user, proposal=declared, reason="My own.")
    partnered = SubmittedProposalFactory(round=seat.round)
    partnered.partner_cities.add(viewer.city)
    hidden = [
        declared,
        partnered,
        SubmittedProposalFactory(round=seat.round, lead_city=viewer.city),
        SubmittedProposalFactory(),
        ProposalFactory(round=seat.round),
    ]
    other = _seat(seat.round)
    for proposal in hidden[:3]:
        Review.objects.create(
            proposal=proposal, reviewer=other.user, stage=Stage.LOI, recommendation="no"
        )


def make_member_proposals(viewer, n):
    """The member's proposals: unassigned, assigned at either stage, scored in draft or
    submitted, scored by others too; with some they must not see beside them."""
    _hidden_from(viewer)
    others = [_seat(seat.round) for seat in viewer.seats]
    statuses = [
        Proposal.Status.SUBMITTED,
        Proposal.Status.FINALIST,
        Proposal.Status.FULL_SUBMITTED,
    ]
    cities = _pool(MemberCityFactory, 3)
    for i in range(n):
        seat = viewer.seats[i % 2]
        proposal = SubmittedProposalFactory(
            round=seat.round, lead_city=cities[i % 3], status=statuses[i % 3]
        )
        kind = i % 5
        stage = Stage.FULL if kind == 4 else Stage.LOI
        if kind:
            Assignment.objects.create(member=seat, proposal=proposal, stage=stage)
        if kind in (2, 3, 4):
            submitted = kind != 2
            Review.objects.create(
                proposal=proposal,
                reviewer=viewer.user,
                stage=stage,
                recommendation="yes" if submitted else "",
                submitted_at=timezone.now() if submitted else None,
            )
        if kind in (0, 3):
            Review.objects.create(
                proposal=proposal,
                reviewer=others[i % 2].user,
                stage=Stage.LOI,
                recommendation="maybe",
                submitted_at=timezone.now(),
            )


def make_member_reviews(viewer, n):
    """The member's reviews at both stages, drafts and submitted, in both rounds; and
    other members' reviews (never listed for them)."""
    recommendations = ["", "yes", "maybe", "no"]
    for i in range(n):
        seat = viewer.seats[i % 2]
        proposal = SubmittedProposalFactory(round=seat.round)
        submitted = i % 2 == 1
        Review.objects.create(
            proposal=proposal,
            reviewer=viewer.user,
            stage=Stage.values[i // 2 % 2],
            recommendation=recommendations[i % 4],  # the odd, submitted ones: yes or no
            weighted_score=None if i % 3 == 0 else 1 + i % 5,
            submitted_at=_ago(i, days=1) if submitted else None,
        )
        if i % 4 == 0:
            Review.objects.create(
                proposal=proposal,
                reviewer=CommitteeUserFactory(),
                stage=Stage.LOI,
                recommendation="yes",
                submitted_at=timezone.now(),
            )


CHANGELISTS = {
    "auth.group": Changelist(make_groups),
    "axes.accessattempt": Changelist(make_access_attempts),
    "axes.accesslog": Changelist(make_access_logs),
    "axes.accessfailurelog": Changelist(make_access_failure_logs),
    "notifications.outboundemail": Changelist(make_outbox),
    "contact.contactmessage": Changelist(make_contact_messages),
    "members.user": Changelist(make_users),
    "members.membercity": Changelist(make_cities),
    "members.supporter": Changelist(make_supporters),
    "innovation_fund.fundround": Changelist(make_rounds),
    "innovation_fund.criterion": Changelist(make_criteria),
    "innovation_fund.award": Changelist(make_awards),
    "innovation_fund.proposal": Changelist(make_proposals),
    "innovation_fund.review": Changelist(make_reviews),
    "innovation_fund.committeemember": Changelist(make_committee_members),
    "innovation_fund.assignment": Changelist(make_assignments),
    "innovation_fund.conflict": Changelist(make_conflicts),
    "innovation_fund.decision": Changelist(make_decisions),
    "innovation_fund.committeeauditentry": Changelist(make_audit_entries),
    "news.tag": Changelist(make_tags),
    "news.newsitem": Changelist(make_news),
    "news.subscriber": Changelist(make_subscribers),
    "resources.resource": Changelist(make_resources),
    "resources.spendingfigure": Changelist(make_spending_figures),
    "resources.spendingcomparison": Changelist(make_spending_comparisons),
    # A committee member's own views: other querysets than staff's.
    "innovation_fund.proposal (committee member)": Changelist(
        make_member_proposals,
        member=True,
        annotations=("is_assigned", "has_review", "review_submitted_at"),
    ),
    "innovation_fund.proposal (committee member, full proposals)": Changelist(
        make_member_proposals,
        member=True,
        annotations=("is_assigned", "has_review", "review_submitted_at"),
        query="?stage=full",
    ),
    "innovation_fund.review (committee member)": Changelist(
        make_member_reviews, member=True, uniform=("reviewer",)
    ),
}


def _label(name):
    return name.split(" ")[0]


# --- The variety check ------------------------------------------------------------------------


def _path_fields(model, path):
    """The fields along ``path`` ("member__user"), or None when it names no field."""
    fields = []
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        fields.append(field)
        model = field.related_model
    return fields


def _value(row, path):
    value = row
    for name in path.split("__"):
        try:
            value = getattr(value, name)
        except ObjectDoesNotExist:  # a missing reverse one-to-one
            return None
        if value is None:
            return None
    return value.pk if isinstance(value, models.Model) else repr(value)


def _assert_varied(name, changelist, case):
    """Each field column and select_related path of the shown rows holds two values at
    least, and an empty one among them where it may be empty."""
    paths = [n for n in changelist.list_display if isinstance(n, str)]
    if isinstance(changelist.list_select_related, list | tuple):
        for path in changelist.list_select_related:
            parts = path.split("__")
            paths += ["__".join(parts[: i + 1]) for i in range(len(parts))]
    rows = list(changelist.result_list)
    for path in dict.fromkeys(paths):
        fields = _path_fields(changelist.model, path)
        if fields is None or path in case.uniform:
            continue
        values = {_value(row, path) for row in rows}
        may_be_empty = any(f.null or not f.concrete for f in fields)
        assert len(values) > 1, f"{name}: every row shows {values} in {path}; vary the rows"
        if may_be_empty:
            assert None in values, f"{name}: no row leaves {path} empty; make one that does"
    for attribute in case.annotations:
        values = {repr(getattr(row, attribute)) for row in rows}
        assert len(values) > 1, f"{name}: every row has {attribute} = {values}; vary the rows"


# --- The tests --------------------------------------------------------------------------------


def test_every_registered_admin_has_a_changelist_query_count_test():
    registered = {model._meta.label_lower for model in admin.site._registry}
    covered = {_label(name) for name in CHANGELISTS}
    missing = sorted(registered - covered)
    assert not missing, (
        f"No changelist query-count test for {', '.join(missing)}: "
        "add an entry to CHANGELISTS in tests/test_admin_changelists.py"
    )
    gone = sorted(covered - registered)
    assert not gone, f"CHANGELISTS names models no longer in the admin: {', '.join(gone)}"


@pytest.mark.parametrize("name", list(CHANGELISTS))
def test_changelist_queries_do_not_grow_with_rows(client, name):
    case = CHANGELISTS[name]
    if case.member:
        viewer = sign_in_member(client)
    else:
        viewer = Viewer(user=StaffUserFactory())
        client.force_login(viewer.user)
    app_label, model_name = _label(name).split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist") + case.query

    def shown():
        response = client.get(url)
        assert response.status_code == 200
        return response.context["cl"]

    before = shown().result_count
    case.make(viewer, SMALL)
    small = queries_of_get(client, url)
    changelist = shown()
    assert changelist.result_count == before + SMALL
    _assert_varied(name, changelist, case)

    case.make(viewer, LARGE - SMALL)
    large = queries_of_get(client, url)
    assert shown().result_count == before + LARGE
    assert large == small, f"{name}: {small} queries with {SMALL} rows, {large} with {LARGE}"


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("innovation_fund.review", "?stage__exact=loi"),
        ("innovation_fund.assignment", "?stage__exact=loi"),
        ("innovation_fund.committeeauditentry", "?action__exact=assigned"),
        ("news.newsitem", "?q=carbon"),
        ("news.subscriber", "?q=example"),
        ("notifications.outboundemail", "?q=example"),
    ],
)
def test_a_filtered_big_table_is_counted_once(client, name, query):
    """The tables that grow to tens of thousands of rows leave out the "N total" of an
    unfiltered count beside a filtered one: one COUNT a page, not two."""
    viewer = Viewer(user=StaffUserFactory())
    client.force_login(viewer.user)
    CHANGELISTS[name].make(viewer, SMALL)
    app_label, model_name = _label(name).split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist") + query

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200

    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, counts
