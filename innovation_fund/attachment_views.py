"""Attachments of a proposal: add, remove, download.

Thin like the other applicant views: permissions from ``rules``, changes
through ``services.add_attachment`` / ``services.remove_attachment``, and the
bytes only through ``cnca.private_files.serve_private_file`` (a download,
nosniff, sandboxed), never from a public URL.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from cnca.private_files import serve_private_file

from . import queries, rules, services
from .forms import AttachmentForm
from .models import Attachment
from .views import ProposalMixin, deadline_passed

# Room for the multipart envelope and the other fields around the file.
_ENVELOPE = 64 * 1024


class AttachmentAddView(ProposalMixin, View):
    """Attach a file. A refused file re-renders the form with why; the kind chosen stays."""

    template_name = "innovation_fund/attachment_form.html"

    def render_form(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "proposal": self.proposal,
                "round": self.proposal.round,
                "form": form,
                "attachments": list(self.proposal.attachments.all()),
                "max_attachments": Attachment.MAX_PER_PROPOSAL,
            },
            status=status,
        )

    def get(self, request, pk):
        if closed := self.stage_closed():
            return closed
        return self.render_form(AttachmentForm())

    def post(self, request, pk):
        if closed := self.stage_closed():
            return closed
        if _declared_size(request) > settings.FUND_UPLOAD_MAX_BYTES + _ENVELOPE:
            # Refused before Django reads the body (to a temporary file): nothing
            # of the request is read, so the kind chosen cannot be kept here.
            form = AttachmentForm({}, {})
            form.is_valid()
            form.errors["file"] = form.error_class([AttachmentForm.too_large_message()])
            return self.render_form(form, status=413)
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        try:
            attachment = services.add_attachment(
                proposal=self.proposal,
                user=request.user,
                checked=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except services.DeadlinePassed as refusal:
            return deadline_passed(request, refusal, self.proposal)
        except services.Refusal as refusal:
            form.add_error(None, str(refusal))
            return self.render_form(form)
        messages.success(request, f"“{attachment.original_name}” is attached.")
        return redirect("innovation_fund:proposal_detail", pk=self.proposal.pk)


def _declared_size(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class AttachmentRemoveView(ProposalMixin, View):
    """Confirm, then remove an attachment (lead city's staff, before the deadline)."""

    template_name = "innovation_fund/attachment_remove.html"

    def attachment(self, attachment_pk):
        return get_object_or_404(Attachment, pk=attachment_pk, proposal=self.proposal)

    def get(self, request, pk, attachment_pk):
        if closed := self.stage_closed():
            return closed
        return render(
            request,
            self.template_name,
            {"proposal": self.proposal, "attachment": self.attachment(attachment_pk)},
        )

    def post(self, request, pk, attachment_pk):
        attachment = self.attachment(attachment_pk)
        try:
            services.remove_attachment(attachment=attachment, user=request.user)
        except services.DeadlinePassed as refusal:
            return deadline_passed(request, refusal, self.proposal)
        except services.Refusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"“{attachment.original_name}” is removed.")
        return redirect("innovation_fund:proposal_detail", pk=self.proposal.pk)


class AttachmentDownloadView(LoginRequiredMixin, View):
    """The file, as a download, to staff of the lead city and of partner cities only.

    Anyone else gets the same 404 as for a file that does not exist.
    """

    def get(self, request, pk, attachment_pk):
        proposal = queries.visible_proposal(request.user, pk)
        if proposal is None:
            raise Http404("No such file.")
        attachment = get_object_or_404(Attachment, pk=attachment_pk, proposal=proposal)
        return serve_private_file(
            request,
            attachment.file,
            filename=attachment.download_name,
            allowed=rules.can_view_proposal(request.user, proposal),
            content_type=attachment.content_type,
        )
