"""Accessibility checks with axe-core, loaded from the project's node_modules.

axe-core comes from npm (pinned in package.json / package-lock.json; install
it with `npm ci`). It is injected into the page from the local file, never
from a CDN. Injecting a script needs a browser context made with
``bypass_csp=True``: the site's CSP allows only its own scripts.
"""

from functools import cache
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MAX_NODES = 8  # elements listed per rule in a failure; the rest are counted

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map((t) => Array.isArray(t) ? t.join(' >>> ') : t).join(', '),
      html: n.html,
      summary: n.failureSummary || '',
    })),
  }));
}
"""


@cache
def axe_source():
    """The text of axe.min.js; fails the test (never skips) when it is not installed."""
    if not AXE_PATH.is_file():
        pytest.fail(
            f"axe-core is not installed ({AXE_PATH} is missing): run `npm ci` in {REPO_ROOT}",
            pytrace=False,
        )
    return AXE_PATH.read_text(encoding="utf-8")


def format_violations(violations, where):
    lines = [f"{len(violations)} accessibility violation(s) (WCAG 2.x A/AA) on {where}:"]
    for v in violations:
        nodes = v["nodes"]
        lines.append(
            f"- {v['id']} [{v['impact']}] on {len(nodes)} element(s): {v['help']} ({v['helpUrl']})"
        )
        if len(nodes) > MAX_NODES:
            lines.append(f"    (first {MAX_NODES} shown)")
        for node in nodes[:MAX_NODES]:
            lines.append(f"    at {node['target']}")
            lines.append(f"       {node['html'][:200]}")
            for detail in node["summary"].splitlines():
                if detail.strip():
                    lines.append(f"       {detail.strip()}")
    return "\n".join(lines)


def violations(page):
    """Run axe on the page as it is now and return its WCAG A/AA violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(_RUN_AXE, WCAG_TAGS)


def assert_accessible(page):
    """Fail with a readable report when axe finds any WCAG 2.x A/AA violation."""
    found = violations(page)
    if found:
        pytest.fail(format_violations(found, page.url), pytrace=False)
