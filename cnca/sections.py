"""The Innovation Fund page, read from the public record.

Until those apps have their own models and pages, these show what the data file
(cnca/content/cnca-facts.yaml) records of each section, every fact with its
source, so that the site's navigation never leads to a missing page. Each view
gives way to its app's own view when that app's issue lands.
"""

from django.views.generic import TemplateView

from members.queries import city_urls_by_name

from .content import facts_section


class InnovationFundView(TemplateView):
    """The fund's summary and its rounds' awards, newest round first (one query)."""

    template_name = "cnca/sections/innovation_fund.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fund = facts_section("innovation_fund")
        city_urls = city_urls_by_name()
        for fund_round in fund["rounds"]:
            awards = fund_round.get("awards") or []
            for award in awards:
                award["lead_city_url"] = city_urls.get(award["lead_city"])
                award["partners"] = [
                    {"name": name, "url": city_urls.get(name)}
                    for name in award.get("partner_cities", [])
                ]
            fund_round["awards"] = awards
            fund_round["published_total"] = sum(a["amount_usd"] or 0 for a in awards)
            fund_round["all_amounts_published"] = all(a["amount_usd"] for a in awards)
        context["fund"] = fund
        context["rounds"] = list(reversed(fund["rounds"]))
        return context
