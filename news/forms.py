"""The subscription form."""

from django import forms


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We email you a link to confirm; nothing else is sent until you do.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
