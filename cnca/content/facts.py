"""Read the project's copy of the CNCA facts (cnca-facts.yaml, beside this file).

The project's file is parsed once per process and kept in memory (it changes
only with a deploy); callers get their own copy, so nothing they change leaks
into the next request.
"""

import copy
import functools
from pathlib import Path

import yaml

FACTS_PATH = Path(__file__).resolve().with_name("cnca-facts.yaml")


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@functools.cache
def _project_facts():
    return _read(FACTS_PATH)


def load_facts(path=None):
    """Every fact in the project's data file, or in ``path`` (read afresh)."""
    if path is None or Path(path).resolve() == FACTS_PATH:
        return copy.deepcopy(_project_facts())
    return _read(path)


def alliance_facts():
    """The alliance's own facts, for the home, About and Contact pages.

    A fresh dict on each call (about 0.06 ms). Keys; every fact keeps its source:
    name, short_name, tagline, tagline_source,
    mission {paragraphs: [str], source},
    staffed_by [{name, short_name, source}], partners [{name, short_name, source}],
    funders [{name, source}],
    formed {date: "2014-06", display: "June 2014", place, source},
    launched {date: datetime.date, note, source},
    governance {text, source}, membership_criteria {items: [str], source},
    joining_process {text, source}.
    """
    return copy.deepcopy(_project_facts()["alliance"])


def innovation_fund_summary():
    """The fund's public summary sentence (a string: nothing to copy)."""
    return _project_facts().get("innovation_fund", {}).get("summary", "")


def facts_section(name):
    """One top-level section of the data file (``innovation_fund``, ``news``,
    ``resources``), as a fresh copy."""
    return copy.deepcopy(_project_facts()[name])


def alliance_launch_date():
    """The day the founding cities launched the alliance (a date)."""
    return _project_facts()["alliance"]["launched"]["date"]
