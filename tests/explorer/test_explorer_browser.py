"""`dana serve` in a real browser: Debian's Chromium, headless, driven by Playwright.

One server and one browser for the module. The browser is the system Chromium
(``/usr/bin/chromium``), installed by ``scripts/install-test-deps``; Playwright's own
browser download is never used. A missing Chromium or Playwright fails the tests with the
instruction, so CI cannot pass without them. Screenshots at desktop and phone widths are
written to ``$DANA_SCREENSHOTS`` (default: the test's temporary folder) to be looked at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

INSTALL = "scripts/install-test-deps"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
HOME = "E06000031"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"chromium not found: run {INSTALL} (as root) to install it")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: pip install -e '.[dev]'")
    executable = _chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("DANA_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def page(browser, explorer_url):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, base_url=explorer_url)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.problems = problems
    yield tab
    context.close()


def test_choose_an_area_open_an_indicator_and_download_its_csv(page, shots):
    page.goto("/")
    assert page.title() == "Choose an area - DANA explorer"
    page.get_by_label("Area").select_option(label="Luton")
    page.get_by_role("button", name="Show area").click()
    page.wait_for_url("**/area/E06000032")
    assert page.locator("h1").inner_text() == "Luton"
    page.get_by_role("link", name="Deaths from drug misuse").click()
    page.wait_for_url("**/area/E06000032/indicator/92432")
    assert page.locator("h1").inner_text() == "Deaths from drug misuse"
    assert page.locator("figure.chart svg").count() >= 2  # trend and neighbours, drawn
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the comparisons (CSV)").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert saved.splitlines()[0] == (
        "benchmark_code,benchmark_name,benchmark_value,comparison,confidence"
    )
    assert download.value.suggested_filename == "luton-92432-comparisons.csv"
    page.screenshot(path=shots / "indicator-desktop.png", full_page=True)
    assert page.problems == []  # no script errors, nothing blocked by the page policy


def test_keyboard_only(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    assert skip == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tab on to the area chooser, pick an area with the keyboard, submit with Enter
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "area-code":
            break
    assert page.evaluate("document.activeElement.id") == "area-code"
    page.keyboard.press("Tab")  # the button
    assert page.evaluate("document.activeElement.textContent") == "Show area"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/area/{HOME}")
    # the spine chart takes focus and reads its points with the arrow keys
    chart = page.locator(".chart-svg-wrap").first
    chart.focus()
    assert "Use the arrow keys" in chart.get_attribute("aria-label")
    page.keyboard.press("ArrowDown")
    tip = page.locator(".chart-tip")
    assert tip.is_visible() and tip.inner_text().strip()
    # an indicator link is reached and followed with the keyboard
    link = page.get_by_role("link", name="Deaths from drug misuse")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/area/{HOME}/indicator/92432")
    assert page.problems == []


def test_screenshots_at_desktop_and_phone_widths(browser, explorer_url, shots):
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, base_url=explorer_url)
        tab = context.new_page()
        for page_name, url in (
            ("home", "/"),
            ("area", f"/area/{HOME}"),
            ("indicator", f"/area/{HOME}/indicator/ndtms:adults_in_treatment_drug"),
        ):
            tab.goto(url)
            tab.screenshot(path=shots / f"{page_name}-{name}.png", full_page=page_name != "area")
            # nothing wider than the screen but the tables and charts, which scroll
            overflow = tab.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{page_name} at {name} width scrolls sideways"
        context.close()
    assert len(list(shots.glob("*.png"))) >= 6
