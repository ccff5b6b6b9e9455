"""The fund's addresses under /innovation-fund/ (``innovation_fund:`` names).

The applicant's pages are under apply/; the public pages (rounds, awards, open
data, calendars) are in public/urls.py.
"""

from django.urls import path

from . import attachment_views, views
from .public.urls import urlpatterns as public_urlpatterns

app_name = "innovation_fund"

urlpatterns = [
    *public_urlpatterns,
    path(
        "apply/<slug:slug>/letter-of-intent/",
        views.ProposalCreateView.as_view(),
        name="proposal_create",
    ),
    path("apply/proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("apply/proposals/<int:pk>/edit/", views.ProposalEditView.as_view(), name="proposal_edit"),
    path(
        "apply/proposals/<int:pk>/submit/",
        views.ProposalSubmitView.as_view(),
        name="proposal_submit",
    ),
    path(
        "apply/proposals/<int:pk>/withdraw/",
        views.ProposalWithdrawView.as_view(),
        name="proposal_withdraw",
    ),
    path(
        "apply/proposals/<int:pk>/history/",
        views.ProposalHistoryView.as_view(),
        name="proposal_history",
    ),
    path(
        "apply/proposals/<int:pk>/attachments/",
        attachment_views.AttachmentAddView.as_view(),
        name="attachment_add",
    ),
    path(
        "apply/proposals/<int:pk>/attachments/<int:attachment_pk>/",
        attachment_views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "apply/proposals/<int:pk>/attachments/<int:attachment_pk>/remove/",
        attachment_views.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
]
