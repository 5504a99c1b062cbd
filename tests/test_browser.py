"""The reports opened in a real browser (headless Chromium): readable at 1280 and 390 px, every link to
evidence lands on something, the term explorer filters, and nothing is fetched from the network.

Needs Chromium and ChromeDriver (Debian: `apt-get install chromium chromium-driver`, which `.ci/run`
does) and selenium (the test extra); without them these tests skip and say so.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from click.testing import CliRunner
from conftest import LEXICONS, SEED_CORPUS

from pipeline.cli import main

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
from selenium.webdriver.support.select import Select  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="no Chromium and ChromeDriver here (Debian: apt-get install chromium chromium-driver)",
)
PAGES = ["index.html", "explore.html", "outlets/sputnik.html", "outlets/gtv-news.html", "events/e1.html"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "reports"
    result = CliRunner().invoke(
        main, ["run", "--corpus", str(SEED_CORPUS), "--lexicons", str(LEXICONS), "--out", str(out), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    return out


def chromium(scripts: bool = True):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # The flags keep Chromium from calling home, which a closed network refuses, slowly.
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
    ]:
        options.add_argument(flag)
    if not scripts:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def open_page(browser, reports: Path, page: str, width: int):
    browser.set_window_size(width, 900)
    path, _, fragment = page.partition("#")
    browser.get((reports / path).as_uri() + (f"#{fragment}" if fragment else ""))
    # The viewport, not the window: the window's frame takes some of its width.
    return browser.execute_script("return document.documentElement.clientWidth")


def overflowing(browser) -> list[str]:
    """What sticks out of the viewport or scrolls sideways inside it: the page itself, a table, a chart."""
    return browser.execute_script(
        """
        const width = document.documentElement.clientWidth, found = [];
        if (document.documentElement.scrollWidth > width + 1) found.push('page: ' + document.documentElement.scrollWidth);
        for (const el of document.querySelectorAll('table, svg, pre, blockquote, figure')) {
          if (el.offsetParent === null) continue;  // hidden
          const box = el.getBoundingClientRect();
          if (box.right > width + 1 || el.scrollWidth > el.clientWidth + 1 && el.tagName === 'TABLE')
            found.push(el.tagName + ' ' + (el.id || el.className.baseVal || el.className || '') + ': ' + Math.round(box.right) + ' / ' + el.scrollWidth);
        }
        return found;
        """
    )


def test_the_index_has_no_sideways_scroll_at_1280_px(browser, reports):
    open_page(browser, reports, "index.html", 1280)
    assert overflowing(browser) == []


@pytest.mark.parametrize("page", PAGES)
def test_nothing_is_cut_off_on_a_phone(browser, reports, page):
    width = open_page(browser, reports, page, 390)
    assert width <= 390
    assert overflowing(browser) == []


def test_on_a_phone_each_table_row_is_a_card_with_its_columns_named(browser, reports):
    open_page(browser, reports, "index.html", 390)
    cell = browser.execute_script(
        "const td = document.querySelector('table.cards tbody td:nth-child(4)');"
        "return [getComputedStyle(td).display, getComputedStyle(td, '::before').content];"
    )
    assert cell == ["block", '"Polarity: "']


def links_of(browser) -> list[str]:
    # SVG links too (their .href is not a string): each href resolved against the page.
    return browser.execute_script(
        "return [...document.querySelectorAll('a[href]')].map(a => new URL(a.getAttribute('href'), document.baseURI).href)"
    )


def ids_of(browser) -> set[str]:
    return set(browser.execute_script("return [...document.querySelectorAll('[id]')].map(e => e.id)"))


def test_every_link_inside_the_reports_lands_on_an_existing_page_and_anchor(browser, reports):
    targets: dict[Path, set[str]] = {}
    for page in PAGES:
        open_page(browser, reports, page, 1280)
        for href in links_of(browser):
            url = urlparse(href)
            if url.scheme != "file":
                continue  # an article's own URL
            targets.setdefault(Path(unquote(url.path)), set()).add(unquote(url.fragment))
    assert len(targets) > 5
    missing = []
    for path, fragments in sorted(targets.items()):
        assert path.exists(), f"a link points at {path}, which was not written"
        if path.suffix != ".html":
            continue
        browser.get(path.as_uri())
        ids = ids_of(browser)
        missing += [f"{path.name}#{f}" for f in sorted(fragments) if f and f not in ids]
    assert missing == []


def test_a_findings_sentences_are_on_the_page_with_their_anchor(browser, reports):
    open_page(browser, reports, "events/e1.html", 1280)
    anchors = browser.execute_script("return [...document.querySelectorAll('details blockquote[id]')].map(b => b.id)")
    assert anchors and all(a.startswith("s-") for a in anchors)


def visible_sentences(browser) -> list[tuple[str, str]]:
    return browser.execute_script(
        "return [...document.querySelectorAll('section.item:not([hidden]) blockquote:not([hidden])')]"
        ".map(b => [b.dataset.voice, b.dataset.outlet])"
    )


def test_the_explorer_shows_one_item_and_filters_its_sentences_by_voice_and_outlet(browser, reports):
    open_page(browser, reports, "explore.html#actor-Iran", 1280)
    assert browser.execute_script("return document.querySelectorAll('section.item:not([hidden])').length") == 1
    everything = visible_sentences(browser)
    assert {voice for voice, _ in everything} >= {"narrative", "reported"}

    browser.find_element("css selector", "input[name=voice][value=narrative]").click()
    unchecked = visible_sentences(browser)
    assert unchecked and "narrative" not in {voice for voice, _ in unchecked}

    browser.find_element("css selector", "input[name=voice][value=narrative]").click()
    Select(browser.find_element("id", "outlet")).select_by_visible_text("Sputnik")
    assert {outlet for _, outlet in visible_sentences(browser)} == {"Sputnik"}

    Select(browser.find_element("id", "pick")).select_by_value("entry-reportedly")
    assert browser.execute_script("return location.hash") == "#entry-reportedly"
    assert (
        browser.execute_script("return document.querySelector('section.item:not([hidden])').id") == "entry-reportedly"
    )


def test_with_scripts_off_the_explorer_shows_every_item(reports):
    driver = chromium(scripts=False)
    try:
        driver.get((reports / "explore.html").as_uri())
        items = driver.find_elements("css selector", "section.item")
        assert len(items) > 20
        assert all(item.is_displayed() for item in items)  # every item, one after the other
        assert not driver.find_element("id", "controls").is_displayed()  # the script's controls stay hidden
    finally:
        driver.quit()


@pytest.mark.parametrize("page", PAGES)
def test_no_page_fetches_anything_from_the_network(browser, reports, page):
    open_page(browser, reports, page, 1280)
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [url for url in fetched if not url.startswith("file:")] == []
    external = browser.execute_script(
        "return [...document.querySelectorAll('[src], link[href]')].map(e => e.src || e.href)"
    )
    assert external == []
