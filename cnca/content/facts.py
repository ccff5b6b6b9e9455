"""Read the project's copy of the CNCA facts (cnca-facts.yaml, beside this file).

The project's file is parsed once per process and kept in memory (it changes
only with a deploy); callers get their own copy, so nothing they change leaks
into the next request.
"""

import copy
import functools
import re
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


# What a research note looks like in the data file: the value of a `note` key
# (a remark of whoever gathered the facts, e.g. "also Burlington VT (not a
# member) per bouldercolorado.gov"), a remark in parentheses after a source
# ("(newer snapshot)"), or the name of one of the research's own files
# ("seed-homepage.txt"). Notes stay in the file for editors; pages never show
# them (tests/cnca/test_public_content.py checks every page).
NOTE_KEYS = frozenset({"note"})


def research_notes(facts=None):
    """Every research note in the facts: the texts no public page may contain."""
    notes = []

    def walk(value, key=None):
        if isinstance(value, dict):
            for child_key, child in value.items():
                walk(child, child_key)
        elif isinstance(value, list):
            for child in value:
                walk(child, key)
        elif isinstance(value, str):
            if key in NOTE_KEYS:
                notes.append(value)
            elif key == "source":
                for part in value.split(";"):
                    own_file = re.match(r"\s*([\w-]+\.(?:txt|ya?ml))\b", part)
                    if own_file:  # "(what the file is)" after it describes, not remarks
                        notes.append(own_file.group(1))
                    else:
                        notes.extend(re.findall(r"\(([^)]*)\)", part))

    walk(_project_facts() if facts is None else facts)
    return notes
