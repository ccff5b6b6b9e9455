"""The alliance's real content: the project's data file and what reads it.

`alliance_facts()` is for pages (it touches no database); `loader` writes the
facts into the database and is run by `manage.py load_cnca_content`.
"""

from .facts import (
    FACTS_PATH,
    alliance_facts,
    alliance_launch_date,
    facts_section,
    innovation_fund_summary,
    load_facts,
)

__all__ = [
    "FACTS_PATH",
    "alliance_facts",
    "alliance_launch_date",
    "facts_section",
    "innovation_fund_summary",
    "load_facts",
]
