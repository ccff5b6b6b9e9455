"""Content rules for every public page: no research notes, sources as citations."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from cnca.content import load_facts
from cnca.content.facts import research_notes
from tests.site_pages import discover_pages

pytestmark = pytest.mark.django_db

# Words that give away a researcher's remark, whatever field it slipped into.
TELLTALES = re.compile(
    r"\bnot found\b|\bsnapshot\b|\bTODO\b|\bFIXME\b|\bresearch file\b|\b[\w-]+\.(?:txt|ya?ml)\b",
    re.IGNORECASE,
)


@pytest.fixture
def pages(db):
    call_command("load_cnca_content", stdout=StringIO())
    client = Client()
    return {path: client.get(path).content.decode() for path in discover_pages(client)}


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_data_marks_its_research_notes():
    notes = research_notes()

    assert "also Burlington VT (not a member) per bouldercolorado.gov" in notes
    assert "newer snapshot" in notes
    assert "seed-homepage.txt" in notes
    # A note's text is what is looked for on the pages: none may be trivially short.
    assert all(len(note) > 5 for note in notes)


def test_research_notes_are_found_wherever_they_are():
    facts = {"a": [{"note": "checked on a whim", "source": "x.org/y (old copy)"}]}

    assert research_notes(facts) == ["checked on a whim", "old copy"]


def test_no_public_page_shows_a_research_note(pages):
    assert len(pages) >= 10
    notes = research_notes()
    for path, html in pages.items():
        text = visible_text(html)
        for note in notes:
            assert note not in text, f"{path} shows the research note {note!r}"
        telltale = TELLTALES.search(text)
        assert telltale is None, f"{path} shows {telltale.group(0)!r}: a research remark"


def test_sources_are_citations_with_links(pages):
    london = Client().get("/cities/london/").content.decode()
    assert (
        '<cite><a href="https://london.gov.uk/decisions/md2080-energy-leap-project" '
        'rel="external noopener">london.gov.uk</a></cite>'
    ) in london
    # Every source line on every page cites: a link, or a named <cite> where the
    # record gives no address. Never a bare "Source: example.org" in plain text.
    for path, html in pages.items():
        for line in re.findall(r'<p class="source">(.*?)</p>', html, re.S):
            assert line.startswith(("Source", "Sources")), (path, line)
            assert "<a href=" in line or "<cite>" in line, (path, line)


def test_every_city_source_in_the_data_is_cited_on_its_page(client):
    call_command("load_cnca_content", stdout=StringIO())
    for city in load_facts()["cities"]:
        html = client.get(f"/cities/{city['slug']}/").content.decode()
        first_word = city["source"].split()[0].split(";")[0]
        assert "<cite>" in html, city["slug"]
        if "." in first_word:
            assert f'href="https://{first_word}"' in html, city["slug"]


def test_an_unknown_value_is_a_dash_explained_once(client):
    call_command("load_cnca_content", stdout=StringIO())

    html = client.get("/cities/adelaide/").content.decode()  # no baseline, no join date

    assert html.count('<span class="unknown"') == 2
    assert html.count("Not in the alliance's public record.") == 1
