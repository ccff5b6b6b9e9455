"""The committee's forms: the scoring form, a declared conflict, a decision."""

from django import forms

from innovation_fund.models import Decision, Recommendation, Stage

from .services import ReviewInput

NOT_APPLICABLE = "na"


def inline_radios():
    """Radio buttons side by side, as the admin lays out its horizontal radio fields."""
    return forms.RadioSelect(attrs={"class": "radiolist inline"})


class ReviewForm(forms.Form):
    """One radio group per criterion (1..scale, or n/a), then the recommendation and
    the texts. A draft may leave anything out; the service says what a submission
    still needs, and :meth:`add_missing` puts that on the right fields."""

    recommendation = forms.ChoiceField(
        choices=Recommendation.choices, widget=inline_radios(), required=False
    )
    comment = forms.CharField(
        label="Comment for the committee", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    feedback = forms.CharField(
        label="Feedback for the applicant (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    release_feedback = forms.BooleanField(
        label="Send this feedback to the applicant with the decision", required=False
    )

    def __init__(self, *args, criteria, review=None, disabled=False, **kwargs):
        self.criteria = criteria
        initial = {}
        if review is not None:
            initial = {
                "recommendation": review.recommendation,
                "comment": review.comment,
                "feedback": review.feedback,
                "release_feedback": review.release_feedback,
            }
            for score in review.scores.all():
                initial[f"criterion_{score.criterion_id}"] = (
                    NOT_APPLICABLE if score.value is None else str(score.value)
                )
        super().__init__(*args, initial=initial, **kwargs)
        fields = {}
        for criterion in criteria:
            choices = [(str(v), str(v)) for v in range(1, criterion.scale_max + 1)]
            choices.append((NOT_APPLICABLE, "n/a"))
            fields[f"criterion_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                choices=choices,
                widget=inline_radios(),
                required=False,
                help_text=f"Weight {criterion.weight.normalize():f}. {criterion.guidance}".strip(),
            )
        self.fields = {**fields, **self.fields}
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def criterion_fields(self):
        return [self[f"criterion_{c.pk}"] for c in self.criteria]

    def other_fields(self):
        return [
            self[name] for name in ("recommendation", "comment", "feedback", "release_feedback")
        ]

    def review_input(self):
        data = self.cleaned_data
        scores = {}
        for criterion in self.criteria:
            value = data.get(f"criterion_{criterion.pk}")
            if value == NOT_APPLICABLE:
                scores[criterion.pk] = None
            elif value:
                scores[criterion.pk] = int(value)
        return ReviewInput(
            scores=scores,
            recommendation=data.get("recommendation") or "",
            comment=data.get("comment", ""),
            feedback=data.get("feedback", ""),
            release_feedback=data.get("release_feedback", False),
        )

    def add_missing(self, error):
        names = {c.name: f"criterion_{c.pk}" for c in self.criteria}
        self.add_error(None, str(error))
        for missing in error.missing:
            field = names.get(missing, "recommendation" if "recommendation" in missing else None)
            if field:
                self.add_error(
                    field,
                    "Give a score or choose n/a."
                    if field != "recommendation"
                    else "Choose a recommendation.",
                )


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label="Why you have a conflict of interest",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Staff see it. The proposal is then hidden from you.",
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label="Award amount (USD)", required=False, min_value=1, max_digits=12, decimal_places=2
    )
    over_budget_reason = forms.CharField(
        label="Reason to go over the round's budget (only if it does)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    note = forms.CharField(
        label="Note for the record", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, stage, decision=None, **kwargs):
        initial = {}
        if decision is not None:
            initial = {
                "outcome": decision.outcome,
                "amount": decision.amount_usd,
                "over_budget_reason": decision.over_budget_reason,
                "note": decision.note,
            }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["outcome"].choices = [
            (o.value, o.label) for o in Decision.STAGE_OUTCOMES[Stage(stage)]
        ]
        if stage == Stage.LOI:
            del self.fields["amount"]
            del self.fields["over_budget_reason"]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Decision.Outcome.AWARDED and not data.get("amount"):
            self.add_error("amount", "An award needs an amount.")
        data.setdefault("amount", None)
        data.setdefault("over_budget_reason", "")
        return data
