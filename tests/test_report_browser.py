"""The report page in a real browser: Debian's headless Chromium, driven by its chromedriver
through Selenium (issue 15). It renders with no console error and no network request, each
chart shows the expected bars and points, and the day report prints on one A4 page.

Skipped, with the reason, where chromium or chromedriver is missing; `.ci/run` installs both and
sets PASSQ_BROWSER_TEST=required, so there a missing browser fails instead. PASSQ_SCREENSHOT
names a file to copy the demo page's screenshot to (how docs/report.png is made)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import report_scenario as scenario

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
MISSING = (
    None
    if CHROMIUM and DRIVER
    else "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
)
if MISSING and os.environ.get("PASSQ_BROWSER_TEST") == "required":
    raise RuntimeError(f"The browser test is required here but {MISSING}")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
A4_POINTS = (595, 842)  # 210 x 297 mm


@pytest.fixture(scope="module")
def browser() -> Iterator:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1000,1400",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        # Offline: any name the page tried to reach would fail, and show in the logs below.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--font-render-hinting=none",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # Debian's chromedriver, named: Selenium Manager would try to download one.
    driver = webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(browser, page: Path) -> None:
    browser.get_log("browser")  # forget what an earlier page left
    browser.get_log("performance")
    browser.set_window_size(1000, 1400)
    browser.get(page.as_uri())
    browser.execute_script("return document.fonts.ready")
    # The screenshot shows the whole page and no blank below it.
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1000, min(height + 140, 8000))


def requests_made(browser) -> list[str]:
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def count(browser, selector: str) -> int:
    """How many elements match `selector` and are drawn with a size on the page."""
    return browser.execute_script(
        """return [...document.querySelectorAll(arguments[0])].filter(e => {
             const box = e.getBoundingClientRect();
             return box.width > 0 && box.height > 0 &&
                    getComputedStyle(e).visibility !== 'hidden';
           }).length;""",
        selector,
    )


def pdf_pages(browser) -> tuple[int, list[tuple[float, float]]]:
    """Print the page as Chromium's 'Save as PDF' does (the page's own @page size): the number
    of pages and their sizes in points."""
    printed = browser.execute_cdp_cmd(
        "Page.printToPDF",
        {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False},
    )
    pdf = base64.b64decode(printed["data"])
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page\b", pdf)
    boxes = [
        (float(w), float(h))
        for w, h in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    ]
    return len(pages), boxes


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory):
    from tests.conftest import Passq

    return scenario.build(Passq(tmp_path_factory.mktemp("office") / "passq.db"))


def test_the_day_page_in_a_browser(browser, office, tmp_path: Path) -> None:
    page = tmp_path / "day.html"
    office.ok("report", "--html", str(page), now=scenario.EVENING)
    # The same page's figures as JSON: a period of that one day.
    figures = office.json("report", "--from", "27/06/2024", "--to", "27/06/2024",
                          now=scenario.EVENING)  # fmt: skip
    open_page(browser, page)
    browser.save_screenshot(str(tmp_path / "day.png"))

    assert browser.get_log("browser") == [], "no console message at all"
    assert requests_made(browser) == [page.as_uri()], "the page itself, nothing else"
    assert browser.title == "Passport printing on Thursday, 27 June 2024 — Kantor Imigrasi Contoh"
    for chart in ("backlog", "printed", "flights", "operators"):
        assert count(browser, f"#chart-{chart} svg") == 1, chart

    # Each chart has the bars and points the report's figures say.
    planned = [p for p in figures["outlook"] if p["day"] > "2024-06-27"]
    befores = [figures["figures"]["pending_end"]] + [p["backlog"] for p in figures["outlook"]]
    # Today's bar too: the rest of today's capacity, on top of what today printed.
    planned_books = [
        before - p["backlog"]
        for p, before in zip(figures["outlook"], befores, strict=False)
        if p["day"] >= "2024-06-27"
    ]
    assert count(browser, "#chart-printed [id^=bar-printed-]") == 1
    assert (
        count(browser, "#chart-printed [id^=bar-planned-]")
        == sum(1 for n in planned_books[:15] if n)
        == 4
    )  # Fri 28/06, Mon 01/07, Tue 02/07, Wed 03/07: by 18:00 today's capacity is spent
    assert len(planned) == 6
    assert count(browser, "#line-backlog use") == 1  # one day: its end
    # The plan's lines start from now: the day's point, then each day of the plan.
    assert count(browser, "#line-planned use") == 1 + len(figures["outlook"]) == 8
    assert count(browser, "#line-overtime use") == 8
    flights = figures["flights"]
    assert count(browser, "#chart-flights [id^=bar-kept-]") == sum(1 for f in flights if f["kept"])
    assert count(browser, "#chart-flights [id^=bar-will_miss-]") == 1
    assert count(browser, "#chart-operators [id^=bar-operator-]") == 1  # ani, today

    pages, boxes = pdf_pages(browser)
    assert pages == 1, "the day report prints on one page"
    assert all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in boxes), boxes


def test_the_period_page_in_a_browser(browser, office, tmp_path: Path) -> None:
    page = tmp_path / "period.html"
    office.ok("report", *scenario.PERIOD, "--html", str(page), now=scenario.EVENING)
    open_page(browser, page)
    browser.save_screenshot(str(tmp_path / "period.png"))
    assert browser.get_log("browser") == []
    assert requests_made(browser) == [page.as_uri()]
    assert count(browser, "#chart-printed [id^=bar-printed-]") == 3  # Wednesday was closed
    assert count(browser, "#line-backlog use") == 4
    assert count(browser, "#chart-operators [id^=bar-operator-]") == 2
    assert count(browser, "#chart-backlog [id^=closed-]") >= 1
    assert count(browser, "table.days tbody tr") == 4
    pages, _boxes = pdf_pages(browser)
    assert 1 <= pages <= 2


def test_the_demo_page_in_a_browser(browser, tmp_path: Path) -> None:
    from tests.conftest import Passq

    demo = Passq(tmp_path / "demo.db")
    result = demo.ok("demo", now="2024-06-27T16:00")
    page = tmp_path / "demo.html"
    assert f"The day report's page: {page}" in result.stdout
    open_page(browser, page)
    shot = tmp_path / "demo.png"
    browser.save_screenshot(str(shot))
    assert browser.get_log("browser") == []
    assert requests_made(browser) == [page.as_uri()]
    assert pdf_pages(browser)[0] == 1
    if os.environ.get("PASSQ_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["PASSQ_SCREENSHOT"])
