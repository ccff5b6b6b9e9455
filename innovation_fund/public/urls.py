"""The fund's public addresses, part of the ``innovation_fund:`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.FundIndexView.as_view(), name="index"),
    path("rounds/<slug:slug>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<slug:slug>/deadlines.ics", views.round_calendar, name="round_calendar"),
    path("deadlines.ics", views.all_rounds_calendar, name="calendar"),
    path("awards/", views.AwardListView.as_view(), name="award_list"),
    path("awards.csv", views.awards_csv, name="awards_csv"),
    path("awards.json", views.awards_json, name="awards_json"),
    path("awards/<slug:slug>/", views.AwardDetailView.as_view(), name="award_detail"),
    path("open-data/", views.OpenDataView.as_view(), name="open_data"),
]
