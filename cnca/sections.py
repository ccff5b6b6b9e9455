"""The Resources page, read from the public record.

Until those apps have their own models and pages, these show what the data file
(cnca/content/cnca-facts.yaml) records of each section, every fact with its
source, so that the site's navigation never leads to a missing page. Each view
gives way to its app's own view when that app's issue lands.
"""

from datetime import datetime

from django.views.generic import TemplateView

from .content import facts_section


class ResourcesView(TemplateView):
    """The planning framework, the fossil-fuel spending infographic, the Game Changers."""

    template_name = "cnca/sections/resources.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        framework, infographic, game_changers = facts_section("resources")
        # The record gives the month only ("2015-12").
        framework["released_on"] = datetime.strptime(str(framework["released"]), "%Y-%m").date()
        context.update(framework=framework, infographic=infographic, game_changers=game_changers)
        return context
