"""The applicant's pages, under /innovation-fund/apply/ (``innovation_fund:`` names).

cnca/urls.py mounts them beside the fund's public pages.
"""

from django.urls import path

from . import views

app_name = "innovation_fund"

urlpatterns = [
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
]
