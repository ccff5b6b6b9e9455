from django.urls import path, re_path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.NewsListView.as_view(), name="index"),
    path("feed/rss/", feeds.LatestNewsFeed(), name="rss"),
    path("feed/atom/", feeds.LatestNewsAtomFeed(), name="atom"),
    path("preview/<int:pk>/", views.NewsPreviewView.as_view(), name="preview"),
    path("subscribe/", views.SubscribeView.as_view(), name="subscribe"),
    path("subscribe/sent/", views.SubscribeSentView.as_view(), name="subscribe_sent"),
    path("subscribe/confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        views.NewsDetailView.as_view(),
        name="detail",
    ),
]
