"""Serve the built book on localhost and open its pages in headless Chromium, offline.

Used by ``tests/test_browser.py``. :func:`visit` loads one page with every non-local
request blocked, waits until MathJax, the widget manager and the images are done, and
returns what a reader would have seen go wrong (:class:`PageReport`).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

# Chromium's own background traffic (updates, sync, Google lookups) is noise on a closed
# network and has nothing to do with the book.
CHROMIUM_ARGS = [
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
CHROMIUM_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
INSTALL_HINT = (
    "the browser tests need Chromium: on Debian/Ubuntu `sudo apt-get install chromium`, "
    "elsewhere `.venv/bin/playwright install chromium`, or set CHROMIUM=/path/to/chrome"
)
# How long to wait for MathJax, the widget manager and images on one page (milliseconds).
SETTLE_MS = 20_000


def chromium_executable() -> str | None:
    """The Chromium to drive: ``$CHROMIUM``, else the first Chromium/Chrome on ``PATH``.

    ``None`` means: use the browser Playwright downloaded itself, if there is one.
    """
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 -- the signature is the base class's
        pass  # a line per request would drown pytest's output


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on a free localhost port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class PageReport:
    """What went wrong on one page; every list is empty on a good page."""

    path: str
    redirected_to: str | None = None
    external: list[str] = field(default_factory=list)         # blocked non-local URLs
    failed: list[str] = field(default_factory=list)           # local requests that failed
    console_errors: list[str] = field(default_factory=list)   # console.error and uncaught
    unrendered_math: list[str] = field(default_factory=list)  # math nodes MathJax left alone
    tex_errors: list[str] = field(default_factory=list)       # TeX MathJax could not typeset
    raw_tex: list[str] = field(default_factory=list)          # TeX delimiters left in the text
    broken_images: list[str] = field(default_factory=list)
    unrendered_widgets: int = 0
    solutions: int = 0
    solutions_shown_early: list[str] = field(default_factory=list)
    solutions_not_shown: list[str] = field(default_factory=list)
    # axe-core's violations, as "rule (impact): n nodes, e.g. <selector>", and their count
    # per impact (critical, serious, moderate, minor).
    accessibility: list[str] = field(default_factory=list)
    accessibility_counts: dict[str, int] = field(default_factory=dict)


# Runs in the page once MathJax is done: the TeX source of every formula whose MathML has
# an error node or the red text MathJax uses for an undefined macro.
_TEX_ERRORS_JS = """() => {
    if (!(window.MathJax && MathJax.startup && MathJax.startup.document)) return [];
    const bad = [];
    for (const item of MathJax.startup.document.math) {
        const mml = MathJax.startup.toMML(item.root);
        if (/<merror|mathcolor="red"/.test(mml)) bad.push(item.math);
    }
    return bad;
}"""

# The page's prose and widget labels, without code, text outputs and typeset math: any TeX
# delimiter left in it is math a reader sees as source.
_PROSE_JS = """() => {
    const article = document.querySelector("article") || document.body;
    const copy = article.cloneNode(true);
    copy.querySelectorAll("pre, code, script, style, mjx-container")
        .forEach(node => node.remove());
    return copy.textContent;
}"""

_WIDGETS_RENDERED_JS = """() => [...document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]')]
    .filter(s => !s.parentElement.querySelector(".widget-subarea .jupyter-widgets")).length"""

RAW_TEX = [r"$$", r"\(", r"\)", r"\[", r"\]", r"\begin{", r"\frac"]


def _inline_dollar_tex(text: str) -> list[str]:
    """``$...$`` spans that contain TeX (a backslash, ^, _ or braces), not prices."""
    return re.findall(r"\$[^$\n]*[\\^_{}][^$\n]*\$", text)


def visit(browser, base_url: str, path: str, screenshot: Path | None = None) -> PageReport:
    """Open ``base_url + path`` in a fresh context, offline, and report what went wrong.

    A fresh context per page (no cookies, no local storage) shows each page as a first
    visit would. Solutions are screenshotted hidden, then their toggles are clicked.
    """
    report = PageReport(path)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def route(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            report.external.append(route.request.url)
            route.abort()

    def on_failed(request):
        if request.url.startswith(base_url):
            report.failed.append(f"{request.url} ({request.failure})")

    page.route("**/*", route)
    page.on("requestfailed", on_failed)
    page.on("response", lambda r: r.status >= 400 and report.failed.append(f"{r.url} (HTTP {r.status})"))
    page.on("console", lambda m: m.type == "error" and report.console_errors.append(m.text))
    page.on("pageerror", lambda e: report.console_errors.append(f"uncaught: {e}"))
    try:
        # The root index.html only redirects (a meta refresh); report on where it leads.
        redirect = re.search(r'http-equiv="refresh"[^>]*url=([^"]+)"', context.request.get(base_url + path).text(), re.I)
        page.goto(base_url + path, wait_until="load")
        if redirect:
            report.redirected_to = redirect[1]
            page.wait_for_url(base_url + redirect[1], wait_until="load")
        _settle(page)
        report.unrendered_math = page.eval_on_selector_all(
            ".math", "nodes => nodes.filter(n => !n.querySelector('mjx-container')).map(n => n.textContent)"
        )
        report.tex_errors = page.evaluate(_TEX_ERRORS_JS)
        prose = page.evaluate(_PROSE_JS)
        report.raw_tex = [t for t in RAW_TEX if t in prose] + _inline_dollar_tex(prose)
        report.broken_images = page.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        report.unrendered_widgets = page.evaluate(_WIDGETS_RENDERED_JS)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        _toggle_solutions(page, report)
        _audit(page, report)  # after the toggles: the solutions' content is audited too
    finally:
        context.close()
    return report


def _settle(page) -> None:
    """Wait for the widgets and images to be drawn, then for MathJax to finish typesetting.

    MathJax goes last: the widget manager hands it the labels of the widgets it draws.
    A widget or image that never arrives is not an error here; the report shows it.
    """
    for condition in (
        f"() => ({_WIDGETS_RENDERED_JS})() === 0",
        "() => [...document.images].every(i => i.complete)",
    ):
        with contextlib.suppress(PlaywrightError):
            page.wait_for_function(condition, timeout=SETTLE_MS)
    # book/_ext/static/mathjax2-hub.js chains each typeset onto MathJax.startup.promise.
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")


def _toggle_solutions(page, report: PageReport) -> None:
    """Check that each solution's content is hidden, click its toggle, check it is shown."""
    solutions = page.locator(".solution")
    report.solutions = solutions.count()
    for i in range(report.solutions):
        solution = solutions.nth(i)
        name = solution.get_attribute("id") or f"solution {i + 1}"
        body = solution.locator(":scope > :not(.admonition-title)")
        if body.count() == 0 or any(body.nth(j).is_visible() for j in range(body.count())):
            report.solutions_shown_early.append(name)
            continue
        # The link to the exercise in the title must not toggle (nor throw: see
        # book/_ext/static/toggle-title-links.js); the toggle button must.
        link = solution.locator(".admonition-title a")
        if link.count():
            link.first.click()
            if body.first.is_visible():
                report.solutions_shown_early.append(f"{name} (opened by the link in its title)")
                continue
        solution.locator(".toggle-button").first.click()
        try:
            body.first.wait_for(state="visible", timeout=5_000)
        except PlaywrightError:  # a timeout: recorded, not raised
            report.solutions_not_shown.append(name)


@contextlib.contextmanager
def page_visits(browser, base_url: str, screenshots: Path, accessibility_report: Path) -> Iterator:
    """One visit per page, made on first use and shared: yields ``report(path) -> PageReport``.

    Each page's full-page screenshot goes to ``screenshots``; on exit the accessibility
    audit's counts per page go to ``accessibility_report`` (Markdown), for review.
    """
    cache: dict[str, PageReport] = {}

    def report(path: str) -> PageReport:
        if path not in cache:
            shot = screenshots / (path.removesuffix(".html").replace("/", "__") + ".png")
            cache[path] = visit(browser, base_url, path, screenshot=shot)
        return cache[path]

    yield report
    if cache:
        write_accessibility_report(cache, accessibility_report)


def write_accessibility_report(reports: dict[str, PageReport], out: Path) -> None:
    """axe-core's violations per page as a Markdown table of counts per impact, then a list."""
    impacts = ("critical", "serious", "moderate", "minor")
    lines = ["| page | " + " | ".join(impacts) + " |", "| --- |" + " --- |" * len(impacts)]
    for path, page in sorted(reports.items()):
        lines.append(f"| {path} | " + " | ".join(str(page.accessibility_counts.get(k, 0)) for k in impacts) + " |")
    lines += ["", "Violations (axe-core nodes per rule):", ""]
    lines += [f"- {path}: {v}" for path, page in sorted(reports.items()) for v in page.accessibility]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


@functools.cache
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()  # reads axe.min.js (about 600 kB) once


def _audit(page, report: PageReport) -> None:
    """Run axe-core (bundled by axe-playwright-python, so offline) over the whole page."""
    # No "preload" of the style sheets: axe-core fetches each @import again, resolving
    # theme.css's "../basic.css" against the site's root (a 404 in the report); only
    # css-orientation-lock, a rule about screen rotation, needs them.
    options = {"resultTypes": ["violations"], "preload": False}
    for violation in _axe().run(page, options=options).response["violations"]:
        nodes = violation["nodes"]
        impact = violation["impact"] or "unknown"
        report.accessibility_counts[impact] = report.accessibility_counts.get(impact, 0) + len(nodes)
        report.accessibility.append(
            f"{violation['id']} ({impact}): {len(nodes)} nodes, e.g. {nodes[0]['target']}: {violation['help']}"
        )
