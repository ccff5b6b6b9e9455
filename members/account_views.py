"""Signing in and out, passwords, and the /account/ dashboard.

Thin wrappers around django.contrib.auth's views: they pick the site's own
templates, label the login field as the email address it is, and say what
happened through the messages framework.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UsernameField
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.views.generic import TemplateView

from innovation_fund import queries as fund_queries

from .auth import client_ip
from .models import CityMembership
from .services import lift_login_lockout, request_password_reset


class EmailAuthenticationForm(AuthenticationForm):
    """The login form. The field keeps the name ``username`` (django-axes reads it)."""

    username = UsernameField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "The email address and password do not match an account. "
            "Check both and try again; the password is case-sensitive."
        ),
        "inactive": "This account has been switched off. Contact the alliance staff.",
    }


class EmailPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    too_many = (
        "Too many password-reset requests came from your network. Wait an hour, then try again."
    )


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "You are signed in.")
        return response


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (a button in the header); a GET shows that button."""

    http_method_names = ["get", "post", "options"]
    template_name = "registration/logged_out.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            # The session is gone; the message travels in the messages cookie.
            messages.info(request, "You are signed out.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    form_class = EmailPasswordResetForm
    success_url = reverse_lazy("account:password_reset_done")

    def form_valid(self, form):
        # The service does the same work whether or not the address has an
        # account (the lookup runs in a task), so the response reveals nothing.
        if not request_password_reset(
            email=form.cleaned_data["email"], client_ip=client_ip(self.request)
        ):
            form.add_error(None, form.too_many)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reset_days"] = settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)
        return context


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("account:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Proving control of the mailbox lifts a login lockout, so the
        # "reset your password" link on the locked-out page really helps.
        lift_login_lockout(self.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """A wrong old password counts as a failed login of the account (django-axes).

    So a borrowed or stolen session cannot guess the password without limit:
    after AXES_FAILURE_LIMIT wrong ones the page, and signing in, are paused.
    """

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("account:password_change_done")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            credentials = {"username": request.user.email}
            if AxesProxyHandler.is_locked(request, credentials):
                return get_lockout_response(request, credentials=credentials)
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password"):
            user_login_failed.send(
                sender=type(self),
                credentials={"username": self.request.user.email},
                request=self.request,
            )
        return super().form_invalid(form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class AccountView(LoginRequiredMixin, TemplateView):
    """The signed-in person's dashboard: who they are, the city they act for, and its
    Innovation Fund proposals (read through innovation_fund.queries)."""

    template_name = "members/account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        membership = (
            CityMembership.objects.select_related("city").filter(user=self.request.user).first()
        )
        # Spare the fund's queries another lookup of the membership.
        self.request.user._fund_city_id = membership.city_id if membership else None
        context["membership"] = membership
        context["fund"] = fund_queries.applicant_dashboard(self.request.user)
        return context
