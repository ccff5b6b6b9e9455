"""The contact page and its confirmation."""

from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from cnca.content import alliance_facts
from members.auth import client_ip

from . import services
from .forms import ContactForm


class ContactView(TemplateView):
    """How to reach the alliance, and the form that writes to its staff."""

    template_name = "cnca/contact.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ContactForm())
        context["facts"] = alliance_facts()
        return context

    def post(self, request, *args, **kwargs):
        form = ContactForm(request.POST)
        if form.is_bot:
            # Look like success, store and send nothing: a bot learns nothing.
            return redirect("cnca:contact_thanks")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.check_rate(email=form.cleaned_data["email"], ip=client_ip(request))
        except services.TooManyMessages:
            form.add_error(
                None,
                "You have sent several messages in a short time. Please wait an hour and "
                "send this one again; what you typed is kept below.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        services.receive_message(**{name: form.cleaned_data[name] for name in form.Meta.fields})
        return redirect("cnca:contact_thanks")


def contact_thanks(request):
    return render(request, "cnca/contact_thanks.html")
