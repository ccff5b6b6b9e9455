"""A city's commitment as a timeline: baseline, interim targets, target year.

The facts hold each city's target as its source states it ("40% below 1990 by
2030, 80% by 2050 (2015 Climate Action Plan)"), plus the target year, baseline
year and reduction. The timeline reads the dated steps out of that text: each
clause with "by <year>" is a step. A step whose year is over is marked passed,
so an old target never looks current.
"""

import re
from dataclasses import dataclass, replace

_STEP_YEAR = re.compile(r"\b(?:by|before)\s+(\d{4})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Step:
    year: int
    text: str
    kind: str  # "baseline", "interim" or "target"
    passed: bool = False

    @property
    def is_target(self):
        return self.kind == "target"


def _clauses(target):
    # "; " separates commitments, ", " the steps of one; a comma inside
    # parentheses ("(strategy 2002, updated 2008)") separates nothing.
    depth = 0
    clause = []
    for char in target:
        depth += char == "("
        depth -= char == ")"
        if char in ";," and depth == 0:
            yield "".join(clause).strip()
            clause = []
        else:
            clause.append(char)
    yield "".join(clause).strip()


def is_fully_dated(target):
    """Whether every clause of the target names its year (the timeline then says it all)."""
    return all(_STEP_YEAR.search(clause) for clause in _clauses(target or ""))


def commitment_timeline(city, this_year):
    """The dated steps of ``city``'s commitment, oldest first."""
    steps = []
    if city.baseline_year:
        steps.append(
            Step(
                city.baseline_year, "Baseline year: reductions are measured against it", "baseline"
            )
        )
    for clause in _clauses(city.target or ""):
        match = _STEP_YEAR.search(clause)
        if not match:
            continue
        year = int(match.group(1))
        kind = "target" if year == city.target_year else "interim"
        text = clause[0].upper() + clause[1:]
        steps.append(Step(year, text, kind, passed=year < this_year))
    if city.target_year and not any(step.is_target for step in steps):
        steps.append(
            Step(city.target_year, "Target year", "target", passed=city.target_year < this_year)
        )
    steps.sort(key=lambda step: (step.year, step.kind != "baseline"))
    # One target step: the last clause naming the target year is the main target.
    targets = [step for step in steps if step.is_target]
    for extra in targets[:-1]:
        steps[steps.index(extra)] = replace(extra, kind="interim")
    return steps
