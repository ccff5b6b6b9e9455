from django import forms

from .models import ContactMessage

MAX_MESSAGE_LENGTH = 5000


class ContactForm(forms.ModelForm):
    # The honeypot: hidden from people by the stylesheet and from assistive
    # technology by aria-hidden; a bot that fills every field fills it too.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "topic", "message"]
        labels = {"name": "Your name", "email": "Your email address", "message": "Your message"}
        help_texts = {
            "email": "We reply to this address and let it know your message arrived.",
            "message": f"Up to {MAX_MESSAGE_LENGTH:,} characters.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 8, "maxlength": MAX_MESSAGE_LENGTH}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Choose a topic"), *ContactMessage.Topic.choices]

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) > MAX_MESSAGE_LENGTH:
            raise forms.ValidationError(
                f"Keep your message to {MAX_MESSAGE_LENGTH:,} characters (it has {len(message):,})."
            )
        return message

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    @property
    def is_bot(self):
        """The honeypot was filled in: only a machine does that."""
        return bool(self.data.get("website", "").strip())
