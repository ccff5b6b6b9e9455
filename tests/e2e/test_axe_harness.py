"""The audit itself: axe-core is loaded and reports what it finds.

Guards against an audit that silently checks nothing (a missing script, a
mistyped tag list): a page with known faults must fail it, readably.
"""

import pytest

from .a11y import format_violations, violations

pytestmark = pytest.mark.e2e

FAULTY_PAGE = """<!doctype html>
<html><head><title>Faulty</title></head>
<body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="/x"></a></main></body>
</html>"""


def test_axe_reports_violations_with_rule_impact_help_and_target(new_page):
    page = new_page()
    page.set_content(FAULTY_PAGE)
    found = violations(page)
    assert {"html-has-lang", "image-alt", "link-name"} <= {v["id"] for v in found}
    report = format_violations(found, "the faulty page")
    assert "- image-alt [critical] on 1 element(s): Images must have alternative text" in report
    assert "    at img\n" in report
