"""Helpers for browser tests of any app: axe-core checks and waits that work under the site's
Content-Security-Policy (no inline script, no string evaluation in the page)."""

import time
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"


def axe_violations(page) -> list[tuple]:
    """WCAG 2.1 A/AA violations on the page as it is now: (rule, help, first targets)."""
    # Evaluated through the debugging protocol, which the page's CSP does not govern; an
    # injected <script> tag would be refused.
    page.evaluate(AXE.read_text())
    result = page.evaluate(f"async () => await axe.run(document, {WCAG_AA})")
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript condition through the debugging protocol (Playwright's wait_for_function
    evaluates a string in the page, which the CSP refuses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)
