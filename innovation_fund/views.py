"""The applicant's pages: start, edit, submit, withdraw a proposal; its history.

Thin: a view reads through ``queries``, checks the form, and asks ``services``
to change anything. A proposal the person may not see is a 404 (the page does
not say it exists); a passed deadline is a page that says so and when.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from . import queries, rules, services
from .forms import (
    AttachmentForm,
    BudgetLineFormSet,
    FullProposalForm,
    LetterOfIntentForm,
    MilestoneFormSet,
    budget_total,
)
from .models import Attachment, FundRound, Proposal, Stage


def deadline_passed(request, refusal, proposal=None):
    """The page for anything tried after a stage's deadline (not an error page)."""
    return render(
        request,
        "innovation_fund/deadline_passed.html",
        {
            "round": refusal.fund_round,
            "stage": refusal.stage,
            "deadline": refusal.deadline,
            "proposal": proposal,
        },
    )


class ProposalMixin(LoginRequiredMixin):
    """Loads the proposal from the URL; 404 unless the person may see (or edit) it."""

    needs_edit = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.proposal = queries.visible_proposal(request.user, kwargs["pk"])
        if self.proposal is None:
            raise Http404("No such proposal.")
        self.is_lead = rules.can_edit_proposal(request.user, self.proposal)
        if self.needs_edit and not self.is_lead:
            raise Http404("No such proposal.")
        return super().dispatch(request, *args, **kwargs)

    def stage_closed(self):
        """The deadline page when the proposal's stage is closed now, else None."""
        try:
            services.require_stage_open(self.proposal.round, self.proposal.stage)
        except services.DeadlinePassed as refusal:
            return deadline_passed(self.request, refusal, self.proposal)
        return None


class ProposalCreateView(LoginRequiredMixin, View):
    template_name = "innovation_fund/proposal_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.fund_round = get_object_or_404(FundRound, slug=kwargs["slug"])
        self.city_id = rules.city_id_of(request.user)
        if self.city_id is None:
            raise Http404("Only staff of a member city can apply.")
        try:
            services.require_stage_open(self.fund_round, Stage.LOI)
        except services.DeadlinePassed as refusal:
            return deadline_passed(request, refusal)
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        return LetterOfIntentForm(data, fund_round=self.fund_round, lead_city_id=self.city_id)

    def render_form(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "round": self.fund_round,
                "creating": True,
                "deadline": self.fund_round.loi_deadline,
            },
        )

    def get(self, request, slug):
        return self.render_form(self.form())

    def post(self, request, slug):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            proposal, created = services.start_proposal(
                fund_round=self.fund_round,
                user=request.user,
                data=form.content(),
                partner_cities=form.cleaned_data["partner_cities"],
                token=form.cleaned_data["token"],
            )
        except services.DeadlinePassed as refusal:
            return deadline_passed(request, refusal)
        except services.Refusal as refusal:
            form.add_error(None, str(refusal))
            return self.render_form(form)
        if created:
            messages.success(request, "Your draft letter of intent is saved.")
        return redirect("innovation_fund:proposal_detail", pk=proposal.pk)


class ProposalDetailView(ProposalMixin, View):
    needs_edit = False

    def get(self, request, pk):
        proposal = self.proposal
        now = timezone.now()
        return render(
            request,
            "innovation_fund/proposal_detail.html",
            {
                "proposal": proposal,
                "round": proposal.round,
                "is_lead": self.is_lead,
                "actions": queries.actions_for(proposal, now, self.is_lead),
                "missing": services.missing_parts(proposal)
                if self.is_lead and proposal.status in services.EDITABLE[proposal.stage]
                else [],
                "deadline": proposal.round.deadline_for(proposal.stage),
                "budget_total": budget_total(
                    [{"amount_usd": line.amount_usd} for line in proposal.budget_lines.all()]
                ),
                **attachments_context(proposal, now, self.is_lead),
            },
        )


def attachments_context(proposal, now, is_lead):
    """What ``innovation_fund/_attachments.html`` shows: the files, and the upload
    form when the person may still change them."""
    open_now = (
        is_lead
        and proposal.status in services.EDITABLE[proposal.stage]
        and proposal.round.stage_open_at(proposal.stage, now)
    )
    return {
        "attachments": list(proposal.attachments.all()),
        "attachments_open": open_now,
        "attachment_form": AttachmentForm() if open_now else None,
        "max_attachments": Attachment.MAX_PER_PROPOSAL,
    }


class ProposalEditView(ProposalMixin, View):
    template_name = "innovation_fund/proposal_form.html"

    def forms(self, data=None):
        proposal = self.proposal
        full = proposal.stage == Stage.FULL
        submitted = proposal.status in (Proposal.Status.SUBMITTED, Proposal.Status.FULL_SUBMITTED)
        form_class = FullProposalForm if full else LetterOfIntentForm
        form = form_class(
            data,
            instance=proposal,
            fund_round=proposal.round,
            lead_city_id=proposal.lead_city_id,
            complete=submitted,
        )
        if not full:
            return form, None, None
        budget = BudgetLineFormSet(
            data,
            prefix="budget",
            initial=[
                {"description": line.description, "amount_usd": line.amount_usd}
                for line in proposal.budget_lines.all()
            ],
        )
        milestones = MilestoneFormSet(
            data,
            prefix="milestones",
            initial=[
                {"title": m.title, "due_on": m.due_on, "description": m.description}
                for m in proposal.milestones.all()
            ],
        )
        return form, budget, milestones

    def render_forms(self, form, budget, milestones):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "budget": budget,
                "milestones": milestones,
                "formsets": [budget, milestones] if budget is not None else [],
                "round": self.proposal.round,
                "deadline": self.proposal.round.deadline_for(self.proposal.stage),
                "proposal": self.proposal,
            },
        )

    def get(self, request, pk):
        if closed := self.stage_closed():
            return closed
        if self.proposal.status not in services.EDITABLE[self.proposal.stage]:
            messages.error(
                request,
                f"A proposal that is {self.proposal.get_status_display().lower()} "
                "cannot be changed.",
            )
            return redirect("innovation_fund:proposal_detail", pk=pk)
        return self.render_forms(*self.forms())

    def post(self, request, pk):
        form, budget, milestones = self.forms(request.POST)
        valid = form.is_valid()
        if budget is not None:
            valid = budget.is_valid() and milestones.is_valid() and valid
        if not valid:
            return self.render_forms(form, budget, milestones)
        try:
            services.save_proposal(
                proposal=self.proposal,
                user=request.user,
                version=form.cleaned_data["version"],
                data=form.content(),
                partner_cities=form.cleaned_data["partner_cities"],
                budget_lines=budget.rows() if budget is not None else None,
                milestones=milestones.rows() if milestones is not None else None,
            )
        except services.DeadlinePassed as refusal:
            return deadline_passed(request, refusal, self.proposal)
        except services.EditConflict:
            current = Proposal.objects.only("version").get(pk=pk)
            form.add_error(
                None,
                "Someone else saved this proposal after you opened it, so your changes "
                "were not saved. Your text is kept below. Open the proposal in a new tab "
                "to compare; saving this form again replaces their version with yours.",
            )
            # A deliberate second save, after this warning, goes through.
            form.data = form.data.copy()
            form.data["version"] = current.version
            return self.render_forms(form, budget, milestones)
        except services.WrongStatus as refusal:
            messages.error(request, str(refusal))
            return redirect("innovation_fund:proposal_detail", pk=pk)
        except services.Refusal as refusal:
            form.add_error(None, str(refusal))
            return self.render_forms(form, budget, milestones)
        messages.success(request, "Your changes are saved.")
        return redirect("innovation_fund:proposal_detail", pk=pk)


class ProposalSubmitView(ProposalMixin, View):
    def render_page(self, missing):
        return render(
            self.request,
            "innovation_fund/proposal_submit.html",
            {
                "proposal": self.proposal,
                "round": self.proposal.round,
                "deadline": self.proposal.round.deadline_for(self.proposal.stage),
                "missing": missing,
            },
        )

    def get(self, request, pk):
        if closed := self.stage_closed():
            return closed
        return self.render_page(services.missing_parts(self.proposal))

    def post(self, request, pk):
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            services.submit_proposal(proposal=self.proposal, user=request.user, version=version)
        except services.DeadlinePassed as refusal:
            return deadline_passed(request, refusal, self.proposal)
        except services.Incomplete as refusal:
            return self.render_page(refusal.missing)
        except services.EditConflict:
            messages.error(
                request,
                "The proposal changed after you opened this page. Check it and submit again.",
            )
            return redirect("innovation_fund:proposal_submit", pk=pk)
        except services.Refusal as refusal:
            messages.error(request, str(refusal))
            return redirect("innovation_fund:proposal_detail", pk=pk)
        messages.success(
            request,
            "Submitted. A confirmation email is on its way to you and your city's lead contacts.",
        )
        return redirect("innovation_fund:proposal_detail", pk=pk)


class ProposalWithdrawView(ProposalMixin, View):
    def get(self, request, pk):
        if closed := self.stage_closed():
            return closed
        return render(
            request,
            "innovation_fund/proposal_withdraw.html",
            {"proposal": self.proposal, "round": self.proposal.round},
        )

    def post(self, request, pk):
        try:
            services.withdraw_proposal(proposal=self.proposal, user=request.user)
        except services.DeadlinePassed as refusal:
            return deadline_passed(request, refusal, self.proposal)
        except services.Refusal as refusal:
            messages.error(request, str(refusal))
            return redirect("innovation_fund:proposal_detail", pk=pk)
        messages.success(request, "The proposal is withdrawn. A confirmation email is on its way.")
        return redirect("innovation_fund:proposal_detail", pk=pk)


class ProposalHistoryView(ProposalMixin, View):
    needs_edit = False

    def get(self, request, pk):
        versions = self.proposal.versions.select_related("submitted_by").order_by(
            "-submitted_at", "-pk"
        )
        return render(
            request,
            "innovation_fund/proposal_history.html",
            {"proposal": self.proposal, "round": self.proposal.round, "versions": versions},
        )
