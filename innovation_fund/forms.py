"""The applicant's forms: a letter of intent, a full proposal's budget and milestones.

Forms check what one form can see (amounts, the word limit, the round's
maximum); the services decide everything that depends on the moment (deadline,
status, whether someone saved in between).
"""

import uuid
from decimal import Decimal

from django import forms
from django.template.defaultfilters import filesizeformat

from cnca import uploads
from members.models import MemberCity

from .models import Attachment, Proposal
from .services import LOI_FIELDS, REQUIRED_FOR_FULL, REQUIRED_FOR_LOI


class LetterOfIntentForm(forms.ModelForm):
    """Create or edit a letter of intent. ``complete`` requires every part (a submitted
    proposal's edit is its next submitted version)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Proposal
        # The services' fields, with the partner cities after the approach.
        fields = [*LOI_FIELDS[:4], "partner_cities", *LOI_FIELDS[4:]]
        labels = {
            "title": "Project title",
            "problem": "The problem it tackles",
            "approach": "How you will tackle it",
            "other_partners": "Other partners",
            "expected_impact_tco2e": "Expected impact (tonnes of CO2e a year)",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "problem": forms.Textarea(attrs={"rows": 6}),
            "approach": forms.Textarea(attrs={"rows": 6}),
            "other_partners": forms.Textarea(attrs={"rows": 3}),
            "co_funding_sources": forms.Textarea(attrs={"rows": 2}),
            "partner_cities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, fund_round, lead_city_id, complete=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fund_round = fund_round
        self.fields["partner_cities"].queryset = (
            MemberCity.objects.current().exclude(pk=lead_city_id).only("name", "slug")
        )
        self.fields[
            "partner_cities"
        ].help_text = "Member cities working on it with yours. Their staff can read the proposal."
        limit = Proposal.SUMMARY_WORD_LIMIT
        self.fields["summary"].help_text = f"At most {limit} words."
        maximum = fund_round.max_award_usd
        amount = self.fields["requested_amount_usd"]
        amount.help_text = (
            f"In US dollars, more than 0 and at most {maximum:,.0f}."
            if maximum
            else "In US dollars."
        )
        for name in ("requested_amount_usd", "co_funding_usd", "expected_impact_tco2e"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})
        self.fields["expected_impact_tco2e"].help_text = "Optional."
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact_phone"].widget.attrs["autocomplete"] = "tel"
        if complete:
            for name in REQUIRED_FOR_LOI:
                self.fields[name].required = True
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("token", uuid.uuid4())
        if self.instance.pk is not None:
            self.initial.setdefault("version", self.instance.version)

    def clean_summary(self):
        summary = self.cleaned_data["summary"]
        words = len(summary.split())
        if words > Proposal.SUMMARY_WORD_LIMIT:
            raise forms.ValidationError(
                f"The summary has {words} words; shorten it to at most "
                f"{Proposal.SUMMARY_WORD_LIMIT}."
            )
        return summary

    def clean_requested_amount_usd(self):
        amount = self.cleaned_data["requested_amount_usd"]
        if amount is None:
            return amount
        if amount <= 0:
            raise forms.ValidationError("Enter an amount more than 0.")
        maximum = self.fund_round.max_award_usd
        if maximum is not None and amount > maximum:
            raise forms.ValidationError(
                f"The most this round awards is {maximum:,.0f} USD; enter that or less."
            )
        return amount

    def clean_co_funding_usd(self):
        amount = self.cleaned_data["co_funding_usd"]
        if amount is not None and amount < 0:
            raise forms.ValidationError("Enter 0 or more.")
        return amount

    def clean_expected_impact_tco2e(self):
        impact = self.cleaned_data["expected_impact_tco2e"]
        if impact is not None and impact < 0:
            raise forms.ValidationError("Enter 0 or more, or leave it empty.")
        return impact

    def content(self):
        """The proposal fields as the services take them."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("version", "token", "partner_cities")
        }


class FullProposalForm(LetterOfIntentForm):
    """A finalist's full proposal: the letter's fields plus outcomes and work plan."""

    class Meta(LetterOfIntentForm.Meta):
        fields = [*LetterOfIntentForm.Meta.fields, "outcome_measures", "work_plan"]
        widgets = {
            **LetterOfIntentForm.Meta.widgets,
            "outcome_measures": forms.Textarea(attrs={"rows": 5}),
            "work_plan": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, complete=False, **kwargs):
        super().__init__(*args, complete=complete, **kwargs)
        self.fields["outcome_measures"].help_text = "How you will know it worked."
        if complete:
            for name in REQUIRED_FOR_FULL:
                self.fields[name].required = True


class BudgetLineForm(forms.Form):
    description = forms.CharField(max_length=200)
    amount_usd = forms.DecimalField(
        label="Amount (USD)", max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200)
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BaseRowsFormSet(forms.BaseFormSet):
    def rows(self):
        return [
            {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


BudgetLineFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseRowsFormSet, extra=2, can_delete=True, max_num=30
)
MilestoneFormSet = forms.formset_factory(
    MilestoneForm, formset=BaseRowsFormSet, extra=2, can_delete=True, max_num=30
)


def budget_total(rows):
    return sum((row["amount_usd"] for row in rows), Decimal(0))


class AttachmentForm(forms.Form):
    """One file for a proposal, checked by its content (cnca/uploads.py)."""

    file = forms.FileField(
        label="File",
        widget=forms.FileInput(attrs={"accept": uploads.ACCEPT}),
    )
    kind = forms.ChoiceField(
        label="What it is", choices=Attachment.Kind.choices, initial=Attachment.Kind.OTHER
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A PDF document, or a PNG or JPEG image, of at most "
            f"{filesizeformat(uploads.max_bytes())}; up to {Attachment.MAX_PER_PROPOSAL} "
            "files a proposal."
        )

    def clean_file(self):
        """The checked upload (a CheckedUpload), or the reason it is refused."""
        return uploads.check_upload(self.cleaned_data["file"])

    @staticmethod
    def too_large_message():
        limit = filesizeformat(uploads.max_bytes())
        return f"The file is larger than {limit}, the most a file may be."
