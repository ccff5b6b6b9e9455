"""Public news pages, the staff preview, and the subscription pages."""

from datetime import timedelta

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from . import services
from .filters import NewsFilter
from .forms import SubscribeForm
from .models import NewsItem
from .queries import awards_for_item, news_item_page, news_list


class NewsListView(FilterView):
    """Public items, newest first, filtered by topic and year (query string, so linkable)."""

    filterset_class = NewsFilter
    template_name = "news/news_list.html"
    context_object_name = "items"
    paginate_by = 20
    # An invalid filter value shows the form's error and no items, not every item.
    strict = True

    def get_queryset(self):
        return news_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filtered"] = any(value for key, value in self.request.GET.items() if key != "page")
        return context


class NewsDetailView(DetailView):
    template_name = "news/news_detail.html"
    context_object_name = "item"

    def get_queryset(self):
        return news_item_page()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["awards"] = awards_for_item(self.object)
        return context

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            # The slug is unique; an old year or month in the address moves to the right one.
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


@method_decorator(staff_member_required, name="dispatch")
class NewsPreviewView(DetailView):
    """Any item, whatever its status, as its page will look: for staff, never indexed."""

    template_name = "news/news_detail.html"
    context_object_name = "item"

    def get_object(self, queryset=None):
        if not self.request.user.has_perm("news.view_newsitem"):
            raise Http404("No such news item.")
        return get_object_or_404(
            NewsItem.objects.prefetch_related("tags", "cities"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = True
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


class SubscribeView(FormView):
    """Ask for the news by email: the first half of the double opt-in."""

    form_class = SubscribeForm
    template_name = "news/subscribe.html"

    def form_valid(self, form):
        with transaction.atomic():
            services.request_subscription(form.cleaned_data["email"])
        # The same answer for a new, pending or confirmed address: the page
        # never tells a stranger who subscribes.
        self.request.session["news_subscribe_email"] = form.cleaned_data["email"]
        return redirect("news:subscribe_sent")


class SubscribeSentView(TemplateView):
    template_name = "news/subscribe_sent.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["email"] = self.request.session.get("news_subscribe_email", "")
        context["valid_days"] = settings.NEWS_CONFIRMATION_DAYS
        return context


class ConfirmView(TemplateView):
    """The link of the confirmation email: a button confirms (a link checker's GET does not)."""

    template_name = "news/confirm.html"

    def get(self, request, token):
        # Check the link at once, so an expired one says so before any click.
        try:
            signing.loads(
                token,
                salt=services.CONFIRM_SALT,
                max_age=timedelta(days=settings.NEWS_CONFIRMATION_DAYS),
            )
        except signing.SignatureExpired:
            return self._problem("expired")
        except signing.BadSignature:
            return self._problem("invalid")
        return self.render_to_response({"state": "ask"})

    def post(self, request, token):
        try:
            with transaction.atomic():
                subscriber = services.confirm_subscription(token)
        except services.ConfirmationError as error:
            return self._problem(str(error))
        return self.render_to_response({"state": "done", "email": subscriber.email})

    def _problem(self, state):
        status = 410 if state == "expired" else 404
        context = {"state": state, "valid_days": settings.NEWS_CONFIRMATION_DAYS}
        return self.render_to_response(context, status=status)


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(TemplateView):
    """The link in every news email: a button, or a mail client's one-click POST (RFC 8058).

    Exempt from CSRF: the secret token in the address is what authorizes the
    request, and a mail client posting ``List-Unsubscribe=One-Click`` has no
    CSRF cookie. A GET changes nothing (link checkers follow links).
    """

    template_name = "news/unsubscribe.html"

    def get(self, request, token):
        return self.render_to_response({"state": "ask"})

    def post(self, request, token):
        with transaction.atomic():
            services.unsubscribe(token)
        # Whether or not the token was still known, the address gets no more news.
        return self.render_to_response({"state": "done"})
