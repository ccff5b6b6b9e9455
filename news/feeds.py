"""RSS and Atom feeds of the newest public news items."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .queries import news_list

FEED_SIZE = 20


class LatestNewsFeed(Feed):
    title = "Carbon Neutral Cities Alliance: news"
    description = "News of the Carbon Neutral Cities Alliance and its member cities."

    def link(self):
        return reverse("news:index")

    def items(self):
        return news_list()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.publish_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def item_author_name(self, item):
        return "Carbon Neutral Cities Alliance"

    def feed_copyright(self):
        return "Carbon Neutral Cities Alliance"

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = settings.LANGUAGE_CODE
        return feed


class LatestNewsAtomFeed(LatestNewsFeed):
    feed_type = Atom1Feed
    subtitle = LatestNewsFeed.description
