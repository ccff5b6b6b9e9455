"""Every change to a proposal: start, save, submit, withdraw, and the committee's decisions.

Each function runs in one transaction, checks who acts (``rules``), the stage's
deadline (on the server's clock, to the second) and the proposal's status,
moves the status with ``transition`` (one conditional UPDATE), writes a
``StatusChange`` and queues its emails in the outbox, which sends them after
the commit. A refusal raises a :class:`Refusal` whose message is written for
the person who meets it; views show it and change nothing.

The status machine (docs/decisions/, "the proposal status machine")::

    draft -> submitted -> finalist -> full_submitted -> awarded | not_funded
    submitted -> declined
    draft | submitted | finalist | full_submitted -> withdrawn
"""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cnca.notifications.services import queue_email
from cnca.servicekit import StaleState, transition
from members.models import CityMembership, User

from . import rules
from .models import (
    Attachment,
    BudgetLine,
    Milestone,
    Proposal,
    ProposalVersion,
    Stage,
    StatusChange,
)

Status = Proposal.Status

# Statuses in which the applicant works on each stage (edit, submit, withdraw).
EDITABLE = {
    Stage.LOI: (Status.DRAFT, Status.SUBMITTED),
    Stage.FULL: (Status.FINALIST, Status.FULL_SUBMITTED),
}
WITHDRAWABLE = (Status.DRAFT, Status.SUBMITTED, Status.FINALIST, Status.FULL_SUBMITTED)
# The committee's moves (the committee issue calls decide()).
DECISIONS = {
    Status.FINALIST: (Status.SUBMITTED,),
    Status.DECLINED: (Status.SUBMITTED,),
    Status.AWARDED: (Status.FULL_SUBMITTED,),
    Status.NOT_FUNDED: (Status.FULL_SUBMITTED,),
}

LOI_FIELDS = (
    "title",
    "summary",
    "problem",
    "approach",
    "other_partners",
    "requested_amount_usd",
    "co_funding_usd",
    "co_funding_sources",
    "expected_impact_tco2e",
    "contact_name",
    "contact_email",
    "contact_phone",
)
FULL_FIELDS = ("outcome_measures", "work_plan")
REQUIRED_FOR_LOI = {
    "title": "a title",
    "summary": "a summary",
    "problem": "the problem",
    "approach": "the approach",
    "requested_amount_usd": "the requested amount",
    "contact_name": "a contact name",
    "contact_email": "a contact email address",
}
REQUIRED_FOR_FULL = {"outcome_measures": "outcome measures", "work_plan": "the work plan"}


# --- Refusals -----------------------------------------------------------------------


class Refusal(Exception):
    """An operation the person may not do now; ``str()`` says why, for them."""


class NotAllowed(Refusal):
    """The person is not staff of the proposal's lead city (views answer 404)."""


class DeadlinePassed(Refusal):
    def __init__(self, fund_round, stage, deadline):
        self.fund_round = fund_round
        self.stage = Stage(stage)
        self.deadline = deadline
        super().__init__(
            f"The {self.stage.label.lower()} deadline of {fund_round.name} has passed."
            if deadline is not None
            else f"{fund_round.name} does not take {self.stage.label.lower()}s now."
        )


class WrongStatus(Refusal):
    pass


class Incomplete(Refusal):
    def __init__(self, missing):
        self.missing = missing
        super().__init__("The proposal is not complete: it needs " + ", ".join(missing) + ".")


class EditConflict(Refusal):
    def __init__(self):
        super().__init__(
            "Someone else saved this proposal after you opened it. Your changes were not "
            "saved: the page now shows their version; make your changes again."
        )


class OverMaximum(Refusal):
    pass


# --- Checks -------------------------------------------------------------------------


def _require_lead(user, proposal):
    if not rules.can_edit_proposal(user, proposal):
        raise NotAllowed("Only staff of the lead city can change this proposal.")


def require_stage_open(fund_round, stage, now=None):
    """Raise DeadlinePassed unless ``stage`` of ``fund_round`` is open at ``now``."""
    now = now or timezone.now()
    if not fund_round.stage_open_at(stage, now):
        raise DeadlinePassed(fund_round, stage, fund_round.deadline_for(stage))


def missing_parts(proposal):
    """What the proposal still needs before it can be submitted at its stage (labels)."""
    missing = [
        label for name, label in REQUIRED_FOR_LOI.items() if getattr(proposal, name) in (None, "")
    ]
    words = len(proposal.summary.split())
    if words > Proposal.SUMMARY_WORD_LIMIT:
        missing.append(f"a summary of at most {Proposal.SUMMARY_WORD_LIMIT} words (it has {words})")
    maximum = proposal.round.max_award_usd
    amount = proposal.requested_amount_usd
    if amount is not None and maximum is not None and amount > maximum:
        missing.append(f"a requested amount of at most {maximum:,.0f} USD")
    if proposal.stage == Stage.FULL:
        missing += [
            label
            for name, label in REQUIRED_FOR_FULL.items()
            if getattr(proposal, name) in (None, "")
        ]
        lines = list(proposal.budget_lines.all())
        total = sum((line.amount_usd for line in lines), Decimal(0))
        if not lines:
            missing.append("budget lines")
        elif amount is not None and total != amount:
            missing.append(
                f"budget lines that add up to the requested {amount:,.2f} USD "
                f"(they add up to {total:,.2f})"
            )
        if not proposal.milestones.exists():
            missing.append("at least one milestone")
    return missing


# --- Applicant operations -----------------------------------------------------------


@transaction.atomic
def start_proposal(*, fund_round, user, data, partner_cities=(), token=None):
    """Create a draft letter of intent for the user's city. Returns (proposal, created).

    ``token`` is the create form's one-time token: the same token again (a double
    click, a resubmitted form) returns the proposal it made, ``created`` False.
    """
    city_id = rules.city_id_of(user)
    if city_id is None:
        raise NotAllowed("Only staff of a member city can apply.")
    if token is not None:
        existing = Proposal.objects.filter(creation_token=token, lead_city_id=city_id).first()
        if existing is not None:
            return existing, False
    require_stage_open(fund_round, Stage.LOI)
    _check_amount(fund_round, data.get("requested_amount_usd"))
    proposal = Proposal(
        round=fund_round,
        lead_city_id=city_id,
        created_by=user,
        creation_token=token,
        **{name: value for name, value in data.items() if name in LOI_FIELDS},
    )
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        # Two requests with one token at once: the other one made it.
        existing = Proposal.objects.filter(creation_token=token, lead_city_id=city_id).first()
        if token is None or existing is None:
            raise
        return existing, False
    proposal.partner_cities.set(_partners(partner_cities, city_id))
    return proposal, True


@transaction.atomic
def save_proposal(
    *, proposal, user, version, data, partner_cities=None, budget_lines=None, milestones=None
):
    """Save the applicant's changes to ``proposal``, opened at ``version``.

    A draft is saved as it is. A submitted one stays submitted: the change is its
    next submitted version (it must be complete), recorded and announced. Refused
    after the stage's deadline, in a status the stage does not edit, and when
    someone saved the proposal after ``version`` (optimistic locking).
    """
    _require_lead(user, proposal)
    stage = proposal.stage
    if proposal.status not in EDITABLE[stage]:
        raise WrongStatus(
            f"A proposal that is {proposal.get_status_display().lower()} cannot be changed."
        )
    require_stage_open(proposal.round, stage)
    fields = LOI_FIELDS if stage == Stage.LOI else LOI_FIELDS + FULL_FIELDS
    changes = {name: value for name, value in data.items() if name in fields}
    _check_amount(proposal.round, changes.get("requested_amount_usd"))

    updated = Proposal.objects.filter(
        pk=proposal.pk, version=version, status__in=EDITABLE[stage]
    ).update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    if not updated:
        current = Proposal.objects.get(pk=proposal.pk)
        if current.status not in EDITABLE[stage]:
            raise WrongStatus(
                f"The proposal is now {current.get_status_display().lower()}: it cannot be changed."
            )
        raise EditConflict()
    proposal.refresh_from_db()
    if partner_cities is not None:
        proposal.partner_cities.set(_partners(partner_cities, proposal.lead_city_id))
    if budget_lines is not None and stage == Stage.FULL:
        _replace_rows(proposal, BudgetLine, budget_lines)
    if milestones is not None and stage == Stage.FULL:
        _replace_rows(proposal, Milestone, milestones)

    if _is_submitted(proposal):
        if missing := missing_parts(proposal):
            raise Incomplete(missing)  # rolls the save back: a submitted version stays whole
        _record_change_after_submission(proposal, user, "Edited")
    return proposal


def _is_submitted(proposal):
    submitted = Status.SUBMITTED if proposal.stage == Stage.LOI else Status.FULL_SUBMITTED
    return proposal.status == submitted


def _record_change_after_submission(proposal, user, what):
    """A change to a submitted proposal is its next submitted version: kept in its
    history, recorded as a status change (the status stays) and announced."""
    version_row = _snapshot(proposal, proposal.stage, user)
    StatusChange.record(
        actor=user,
        from_status=proposal.status,
        to_status=proposal.status,
        note=f"{what} after submission (version {version_row.number}).",
        proposal=proposal,
    )
    _notify_edit(proposal, user, version_row)


@transaction.atomic
def submit_proposal(*, proposal, user, version):
    """Submit the letter of intent (draft) or the full proposal (finalist)."""
    _require_lead(user, proposal)
    _lock(proposal)
    stage = proposal.stage
    draft, submitted = EDITABLE[stage]
    if proposal.status != draft:
        raise WrongStatus(
            f"This {Stage(stage).label.lower()} is {proposal.get_status_display().lower()} already."
        )
    require_stage_open(proposal.round, stage)
    if proposal.version != version:
        raise EditConflict()
    if missing := missing_parts(proposal):
        raise Incomplete(missing)
    now = timezone.now()
    moment = {"submitted_at": now} if stage == Stage.LOI else {"full_submitted_at": now}
    try:
        transition(
            proposal,
            to=submitted,
            allowed_from=[draft],
            submitted_by=user if stage == Stage.LOI else proposal.submitted_by,
            **moment,
        )
    except StaleState:
        raise WrongStatus("The proposal was submitted or withdrawn meanwhile.") from None
    StatusChange.record(actor=user, from_status=draft, to_status=submitted, proposal=proposal)
    version_row = _snapshot(proposal, stage, user)
    _notify_submit(proposal, user, version_row)
    return proposal


@transaction.atomic
def withdraw_proposal(*, proposal, user, note=""):
    """Withdraw the proposal, before the deadline of the stage it is at."""
    _require_lead(user, proposal)
    _lock(proposal)
    if proposal.status not in WITHDRAWABLE:
        raise WrongStatus(
            f"A proposal that is {proposal.get_status_display().lower()} cannot be withdrawn."
        )
    require_stage_open(proposal.round, proposal.stage)
    previous = proposal.status
    try:
        transition(
            proposal, to=Status.WITHDRAWN, allowed_from=[previous], withdrawn_at=timezone.now()
        )
    except StaleState:
        raise WrongStatus("The proposal's status changed meanwhile; nothing was done.") from None
    StatusChange.record(
        actor=user, from_status=previous, to_status=Status.WITHDRAWN, note=note, proposal=proposal
    )
    _notify_withdraw(proposal, user)
    return proposal


@transaction.atomic
def decide(*, proposal, actor, to, note=""):
    """The committee's moves: finalist, declined, awarded, not funded."""
    if to not in DECISIONS:
        raise ValueError(f"{to} is not a committee decision.")
    allowed = DECISIONS[to]
    try:
        previous = transition(proposal, to=to, allowed_from=allowed)
    except StaleState:
        raise WrongStatus(
            f"Only a proposal that is {' or '.join(allowed)} can become {to}."
        ) from None
    StatusChange.record(
        actor=actor, from_status=previous, to_status=to, note=note, proposal=proposal
    )
    return proposal


# --- Helpers ------------------------------------------------------------------------


def _lock(proposal):
    """Lock the proposal's row until the transaction ends and read it again, in place."""
    Proposal.objects.select_for_update().filter(pk=proposal.pk).values_list("pk").first()
    proposal.refresh_from_db()


def _check_amount(fund_round, amount):
    maximum = fund_round.max_award_usd
    if amount is not None and maximum is not None and amount > maximum:
        raise OverMaximum(
            f"The requested amount is more than this round's maximum award of {maximum:,.0f} USD."
        )


def _partners(cities, lead_city_id):
    return [city for city in cities if city.pk != lead_city_id]


def _replace_rows(proposal, model, rows):
    model.objects.filter(proposal=proposal).delete()
    model.objects.bulk_create(
        [model(proposal=proposal, position=index, **row) for index, row in enumerate(rows)]
    )


def snapshot_data(proposal):
    """The proposal's content as a JSON-able dict (a ProposalVersion's ``data``)."""
    data = {}
    for name in LOI_FIELDS + FULL_FIELDS:
        value = getattr(proposal, name)
        data[name] = str(value) if isinstance(value, Decimal) else value
    data["partner_cities"] = [city.name for city in proposal.partner_cities.all()]
    data["budget_lines"] = [
        {"description": line.description, "amount_usd": str(line.amount_usd)}
        for line in proposal.budget_lines.all()
    ]
    data["milestones"] = [
        {"title": m.title, "due_on": m.due_on.isoformat(), "description": m.description}
        for m in proposal.milestones.all()
    ]
    # The files' names, kinds and sizes (not their bytes): which were part of it.
    data["attachments"] = [
        {"name": a.original_name, "kind": a.get_kind_display(), "size": a.size}
        for a in proposal.attachments.order_by("created_at", "pk")
    ]
    return data


def _snapshot(proposal, stage, user):
    number = ProposalVersion.objects.filter(proposal=proposal, stage=stage).count() + 1
    return ProposalVersion.objects.create(
        proposal=proposal,
        stage=stage,
        number=number,
        submitted_by=user,
        data=snapshot_data(proposal),
    )


# --- Emails ---------------------------------------------------------------------------


def _proposal_url(proposal):
    return reverse("innovation_fund:proposal_detail", kwargs={"pk": proposal.pk})


def _applicant_recipients(proposal, user):
    """The person who acted and their city's lead contacts, each once: (email, reason)."""
    recipients = {
        user.email.lower(): (
            user.email,
            "You get this email because you acted on this proposal in the CNCA portal.",
        )
    }
    return with_lead_contacts(recipients, proposal)


def with_lead_contacts(recipients, proposal):
    """``recipients`` ({lower-cased email: (email, reason)}) plus the lead city's lead
    contacts, each once, as a list of (email, reason)."""
    leads = User.objects.filter(
        is_active=True,
        city_membership__city_id=proposal.lead_city_id,
        city_membership__role=CityMembership.Role.LEAD_CONTACT,
    ).values_list("email", flat=True)
    for email in leads:
        recipients.setdefault(
            email.lower(),
            (
                email,
                f"You get this email as a lead contact of {proposal.lead_city.name} "
                "for the CNCA Innovation Fund.",
            ),
        )
    return list(recipients.values())


def _queue(proposal, event, recipients, template, context):
    for email, reason in recipients:
        queue_email(
            key=f"innovation-fund:{event}:proposal={proposal.pk}:to={email.lower()}",
            to=email,
            template=f"innovation_fund/email/{template}",
            context={**context, "reason": reason},
            related=proposal,
        )


def _context(proposal, user, **extra):
    return {
        "admin_url": reverse("admin:innovation_fund_proposal_change", args=[proposal.pk]),
        "proposal": proposal,
        "round": proposal.round,
        "city": proposal.lead_city,
        "actor": user,
        "proposal_url": _proposal_url(proposal),
        **extra,
    }


def _notify_submit(proposal, user, version_row):
    event = f"submitted:{version_row.stage}:v{version_row.number}"
    context = _context(proposal, user, version=version_row, stage=Stage(version_row.stage))
    _queue(proposal, event, _applicant_recipients(proposal, user), "submitted", context)
    staff = User.objects.filter(is_active=True, is_superuser=True).values_list("email", flat=True)
    _queue(
        proposal,
        f"{event}:staff",
        [
            (email, "You get this email as alliance staff running the Innovation Fund.")
            for email in staff
        ],
        "submitted_staff",
        context,
    )


def _notify_edit(proposal, user, version_row):
    event = f"edited:{version_row.stage}:v{version_row.number}"
    context = _context(proposal, user, version=version_row, stage=Stage(version_row.stage))
    _queue(proposal, event, _applicant_recipients(proposal, user), "edited", context)


def _notify_withdraw(proposal, user):
    context = _context(proposal, user)
    _queue(proposal, "withdrawn", _applicant_recipients(proposal, user), "withdrawn", context)


# --- Attachments -----------------------------------------------------------------------


class TooManyAttachments(Refusal):
    pass


def _lock_for_files(user, proposal):
    """Lock the proposal's row and check that ``user`` may change its files now.

    The same rules as editing: the lead city's staff, a status its stage edits,
    before the stage's deadline. Returns the locked, fresh proposal.
    """
    _require_lead(user, proposal)
    locked = Proposal.objects.select_for_update().select_related("round").get(pk=proposal.pk)
    stage = locked.stage
    if locked.status not in EDITABLE[stage]:
        raise WrongStatus(
            f"A proposal that is {locked.get_status_display().lower()} cannot be changed."
        )
    require_stage_open(locked.round, stage)
    return locked


@transaction.atomic
def add_attachment(*, proposal, user, checked, kind):
    """Attach ``checked`` (an uploads.CheckedUpload) to ``proposal``.

    At most ``Attachment.MAX_PER_PROPOSAL``: counted under the proposal's row
    lock, so two uploads at once cannot make six. The file is stored under a
    random private name; if the row cannot be saved, the file is deleted again.
    """
    locked = _lock_for_files(user, proposal)
    if locked.attachments.count() >= Attachment.MAX_PER_PROPOSAL:
        raise TooManyAttachments(
            f"A proposal may have at most {Attachment.MAX_PER_PROPOSAL} attachments. "
            "Remove one to attach another."
        )
    attachment = Attachment(
        proposal=locked,
        kind=kind,
        original_name=checked.original_name,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=user,
    )
    attachment.file.save("upload", ContentFile(checked.content), save=False)
    stored = attachment.file.name
    try:
        with transaction.atomic():
            attachment.save()
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    if _is_submitted(locked):
        _record_change_after_submission(locked, user, f"“{checked.original_name}” attached")
    return attachment


@transaction.atomic
def remove_attachment(*, attachment, user):
    """Remove an attachment; its file is deleted once the removal is committed."""
    locked = _lock_for_files(user, attachment.proposal)
    storage, name = attachment.file.storage, attachment.file.name
    deleted, _ = Attachment.objects.filter(pk=attachment.pk).delete()
    if deleted:
        transaction.on_commit(lambda: storage.delete(name))
        if _is_submitted(locked):
            _record_change_after_submission(locked, user, f"“{attachment.original_name}” removed")
