"""axe-core (npm dev dependency, pwa/node_modules/axe-core) run in the page: the WCAG 2.x A/AA
rules and best practices, every violation a failure. The script is evaluated through the DevTools
protocol, which the page's CSP does not govern (a <script> tag would be refused)."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "pwa" / "node_modules" / "axe-core" / "axe.min.js"

RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }));
}"""


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now: [{id, impact, help, nodes}]."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN)


def assert_accessible(page, screen: str) -> None:
    found = violations(page)
    assert found == [], f"axe on {screen}: {found}"
