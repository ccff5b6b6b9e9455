"""The fund's addresses under /innovation-fund/ (``innovation_fund:`` names).

The public pages (rounds, awards, open data, calendars) are in public/urls.py.
"""

from .public.urls import urlpatterns as public_urlpatterns

app_name = "innovation_fund"

urlpatterns = [*public_urlpatterns]
