"""Screenshots of the report pages at a desktop and a phone width, to look at what `mediabias run` wrote.

    python scripts/screenshots.py reports shots

writes shots/<page>-<width>.png for the index, the term explorer, the first outlet page and the first
event page, at 1280 and 390 px, with headless Chromium (Debian: apt-get install chromium). Each shot is
as tall as SHOT_HEIGHT; the page itself is not changed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WIDTHS = (1280, 390)
SHOT_HEIGHT = 3000
# Keep Chromium from calling home, which a closed network refuses, slowly.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


def pages_of(reports: Path) -> list[Path]:
    pages = [reports / "index.html", reports / "explore.html"]
    for folder in ("outlets", "events"):
        found = sorted((reports / folder).glob("*.html"))
        pages += found[:1]
    return [page for page in pages if page.exists()]


def screenshot(browser: str, page: Path, width: int, target: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{SHOT_HEIGHT}",
                f"--screenshot={target}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip())
        return 2
    reports, out = Path(argv[0]), Path(argv[1])
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        print("No Chromium found: install it (Debian: apt-get install chromium) and run this again.")
        return 1
    pages = pages_of(reports)
    if not pages:
        print(f"No report pages in {reports}: run `mediabias run --out {reports}` first.")
        return 1
    out.mkdir(parents=True, exist_ok=True)
    for page in pages:
        name = page.relative_to(reports).with_suffix("").as_posix().replace("/", "-")
        for width in WIDTHS:
            target = out / f"{name}-{width}.png"
            screenshot(browser, page, width, target)
            print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
