"""The service kit: transactions required, conditional transitions, once-per-commit hooks,
the status-change audit base.

These tests commit for real (``transaction=True``): what they check is what
happens at COMMIT and ROLLBACK, which a test wrapped in one transaction never
reaches. Two tables made for the tests stand in for an app's subject and its
StatusChange, so the kit is tested before any app uses it.
"""

import threading
import uuid

import pytest
from django.apps import apps
from django.db import connection, connections, models, transaction
from django.db.models import F
from django.db.models.deletion import ProtectedError

from cnca.models import StatusChangeBase
from cnca.servicekit import (
    NotInTransaction,
    StaleState,
    on_commit_once,
    require_transaction,
    transition,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def kit_models(django_db_setup, django_db_blocker):
    """Register a subject model and its StatusChange (tables are made per test)."""
    suffix = uuid.uuid4().hex[:6]

    class Case(models.Model):
        status = models.CharField(max_length=20, default="draft")
        counter = models.IntegerField(default=0)
        title = models.CharField(max_length=50, blank=True)
        updated_at = models.DateTimeField(auto_now=True)

        class Meta:
            app_label = "cnca"
            db_table = f"test_kit_case_{suffix}"

        def __str__(self):
            return self.title

    Case.__name__ = f"Case{suffix}"

    class CaseChange(StatusChangeBase):
        case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")

        class Meta(StatusChangeBase.Meta):
            app_label = "cnca"
            db_table = f"test_kit_case_change_{suffix}"

    yield Case, CaseChange
    for model in (Case, CaseChange):
        apps.all_models["cnca"].pop(model._meta.model_name, None)
    apps.clear_cache()


@pytest.fixture
def kit(kit_models, transactional_db):
    Case, CaseChange = kit_models
    with connection.schema_editor() as editor:
        editor.create_model(Case)
        editor.create_model(CaseChange)
    yield Case, CaseChange
    with connection.schema_editor() as editor:
        editor.delete_model(CaseChange)
        editor.delete_model(Case)


# --- require_transaction -------------------------------------------------------------


def test_require_transaction_refuses_autocommit_and_accepts_atomic():
    with pytest.raises(NotInTransaction, match=r"transaction\.atomic"):
        require_transaction()
    with transaction.atomic():
        require_transaction()  # no error
        with transaction.atomic():
            require_transaction()


# --- transition ---------------------------------------------------------------------


def test_transition_moves_the_row_and_the_instance(kit):
    Case, _ = kit
    case = Case.objects.create(status="submitted")
    before = case.updated_at

    previous = transition(
        case, to="finalist", allowed_from=["submitted"], counter=F("counter") + 1, title="Go"
    )

    assert previous == "submitted"
    assert (case.status, case.counter, case.title) == ("finalist", 1, "Go")
    assert case.updated_at > before  # auto_now stamped, as save() would
    case.refresh_from_db()
    assert (case.status, case.counter, case.title) == ("finalist", 1, "Go")


def test_transition_from_a_state_not_allowed_raises_and_changes_nothing(kit):
    Case, _ = kit
    case = Case.objects.create(status="submitted")
    Case.objects.filter(pk=case.pk).update(status="withdrawn")  # somebody else moved it

    with pytest.raises(StaleState, match="no longer in submitted or draft"):
        transition(case, to="finalist", allowed_from=["submitted", "draft"], title="Go")

    assert case.status == "submitted"  # the instance is left as read
    case.refresh_from_db()
    assert (case.status, case.title) == ("withdrawn", "")


def test_transition_of_a_deleted_row_raises(kit):
    Case, _ = kit
    case = Case.objects.create(status="draft")
    Case.objects.filter(pk=case.pk).delete()
    with pytest.raises(StaleState):
        transition(case, to="submitted", allowed_from="draft")


@pytest.mark.services
def test_two_transitions_at_once_one_wins_the_other_is_stale(kit):
    """On Postgres the second UPDATE waits for the first's row lock, then re-checks the WHERE."""
    Case, _ = kit
    case = Case.objects.create(status="submitted")
    first_holds_lock = threading.Event()
    release_first = threading.Event()
    results = {}

    def first():
        try:
            with transaction.atomic():
                transition(Case.objects.get(pk=case.pk), to="finalist", allowed_from=["submitted"])
                first_holds_lock.set()
                release_first.wait(10)
            results["first"] = "moved"
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_holds_lock.wait(10)
    stale = Case.objects.get(pk=case.pk)  # still reads "submitted": not committed yet
    assert stale.status == "submitted"
    timer = threading.Timer(0.5, release_first.set)
    timer.start()
    with pytest.raises(StaleState):
        transition(stale, to="declined", allowed_from=["submitted"])
    thread.join(10)
    assert results == {"first": "moved"}
    assert Case.objects.get(pk=case.pk).status == "finalist"


# --- on_commit_once -----------------------------------------------------------------


def test_on_commit_once_runs_one_callback_per_key_after_commit():
    calls = []
    with transaction.atomic():
        assert on_commit_once("wake-relay", lambda: calls.append("first")) is True
        assert on_commit_once("wake-relay", lambda: calls.append("second")) is False
        assert on_commit_once("other", lambda: calls.append("other")) is True
        with transaction.atomic():  # a savepoint that commits
            assert on_commit_once("wake-relay", lambda: calls.append("nested")) is False
        assert calls == []  # nothing before COMMIT
    assert calls == ["first", "other"]


def test_on_commit_once_runs_again_in_the_next_transaction():
    calls = []
    for n in range(2):
        with transaction.atomic():
            on_commit_once("wake-relay", lambda n=n: calls.append(n))
            on_commit_once("wake-relay", lambda: calls.append("again"))
    assert calls == [0, 1]


def test_a_key_registered_in_a_rolled_back_savepoint_can_be_registered_again():
    calls = []
    with transaction.atomic():
        try:
            with transaction.atomic():
                assert on_commit_once("wake-relay", lambda: calls.append("lost"))
                raise RuntimeError("roll the savepoint back")
        except RuntimeError:
            pass
        assert on_commit_once("wake-relay", lambda: calls.append("kept")) is True
        assert on_commit_once("wake-relay", lambda: calls.append("dup")) is False
    assert calls == ["kept"]


def test_a_rolled_back_transaction_runs_nothing():
    calls = []
    try:
        with transaction.atomic():
            on_commit_once("wake-relay", lambda: calls.append("never"))
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    # The next transaction is not blocked by the rolled-back key.
    with transaction.atomic():
        on_commit_once("wake-relay", lambda: calls.append("next"))
    assert calls == ["next"]


def test_on_commit_once_outside_a_transaction_runs_at_once():
    calls = []
    on_commit_once("wake-relay", lambda: calls.append(1))
    on_commit_once("wake-relay", lambda: calls.append(2))
    assert calls == [1, 2]  # each autocommit statement is its own transaction


# --- StatusChangeBase ---------------------------------------------------------------


def test_status_change_records_actor_or_system_in_time_order(kit):
    Case, CaseChange = kit
    actor = UserFactory()
    case = Case.objects.create(status="draft")
    with transaction.atomic():
        previous = transition(case, to="submitted", allowed_from=["draft"])
        CaseChange.record(actor=actor, from_status=previous, to_status=case.status, case=case)
    with transaction.atomic():
        previous = transition(case, to="declined", allowed_from=["submitted"])
        CaseChange.record(
            actor=None, from_status=previous, to_status="declined", note="Deadline", case=case
        )

    entries = list(case.changes.all())
    assert [(e.actor, e.from_status, e.to_status) for e in entries] == [
        (actor, "draft", "submitted"),
        (None, "submitted", "declined"),
    ]
    assert entries[0].at <= entries[1].at
    assert entries[1].note == "Deadline"
    assert "system" in str(entries[1])


def test_status_change_must_be_recorded_in_the_transaction_of_the_move(kit):
    Case, CaseChange = kit
    case = Case.objects.create()
    with pytest.raises(NotInTransaction):
        CaseChange.record(actor=None, from_status="draft", to_status="submitted", case=case)
    assert not CaseChange.objects.exists()


def test_a_user_named_in_the_audit_cannot_be_deleted(kit):
    Case, CaseChange = kit
    actor = UserFactory()
    case = Case.objects.create()
    with transaction.atomic():
        CaseChange.record(actor=actor, from_status="draft", to_status="submitted", case=case)
    with pytest.raises(ProtectedError):
        actor.delete()
    assert CaseChange.objects.get().actor == actor
