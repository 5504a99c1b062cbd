"""Time `mediabias run --no-cache` on hostile articles, each beside one good article, against a 10 s target.

    python benchmarks/hostile.py                     # every case
    python benchmarks/hostile.py --case quotes-1m    # one case (repeatable)
    python benchmarks/hostile.py --list              # the case names

Each case writes one hostile article and one good one into a temporary corpus and runs the whole
command in a subprocess, so a case that hangs is cut off at --timeout. Timing lives here, never in
the tests (tests/test_hostile_size.py checks what these cases report).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import click

PROJECT = Path(__file__).resolve().parents[1]
TARGET_S = 10.0
GOOD = (
    "Iraq's parliament voted on Sunday to expel US troops from the country, officials said.\n"
    "“The occupation must end,” the speaker said. The US called the vote a mistake.\n"
)
SENTENCE = "The regime said the resistance attacked the troops near the border. "


def _html(body: str) -> str:
    return f"<html><head><title>Hostile page</title></head><body><article>{body}</article></body></html>"


# Case name -> (file name, content).
CASES: dict[str, Callable[[], tuple[str, str]]] = {
    "li-20k": lambda: ("page.html", _html("<ul>" + "<li>The regime fell.</li>" * 20_000 + "</ul>")),
    "p-40k": lambda: ("page.html", _html("<p>The regime fell.</p>" * 40_000)),
    "div-nested-40k": lambda: ("page.html", _html("<div>The regime fell." * 40_000 + "</div>" * 40_000)),
    "b-nested-40k": lambda: ("page.html", _html("<p>" + "<b>regime " * 40_000 + "</b>" * 40_000 + "</p>")),
    "script-style-20k": lambda: (
        "page.html",
        _html("<p>The regime fell.</p><script>var x = 1;</script><style>p {}</style>" * 20_000),
    ),
    "quotes-20k": lambda: ("quotes.txt", GOOD + '"' * 20_000 + "\n"),
    "quotes-1m": lambda: ("quotes.txt", GOOD + '"' * 1_000_000 + "\n"),
    "quotes-1m-alone": lambda: ("quotes.txt", '"' * 1_000_000 + "\n"),
    "quotes-alternating-1m": lambda: ("quotes.txt", GOOD + "“\"”'" * 250_000 + "\n"),
    "quotes-open-100k": lambda: ("quotes.txt", GOOD + "“regime " * 100_000 + "\n"),
    "no-spaces-5mb": lambda: ("long.txt", "x" * 4_900_000 + "\n"),
    "one-word-5mb": lambda: ("long.txt", "regime " * 700_000 + "\n"),
    "one-word-lines-100k": lambda: ("lines.txt", "regime\n" * 100_000),
    "sentence-200k-words": lambda: ("long.txt", "the regime said " * 66_667 + "it.\n"),
    "sentence-20k-words": lambda: ("long.txt", "the regime said " * 6_667 + "it.\n"),
    "quotes-open-10k": lambda: ("quotes.txt", GOOD + "“regime " * 10_000 + "\n"),
    "quotes-open-only-100k": lambda: ("quotes.txt", GOOD + "“" * 100_000 + " they said.\n"),
    "actor-said-10k": lambda: ("long.txt", "Washington said " * 10_000 + "it.\n"),
    "sentences-1-line-50k": lambda: ("long.txt", SENTENCE * 50_000 + "\n"),
}


def run_case(name: str, timeout: float) -> tuple[float, float] | None:
    """(wall, CPU) seconds `mediabias run --no-cache` takes on the case's corpus, None when cut off at `timeout`.

    CPU seconds count the command and the workers it waited for: on a busy machine they say more
    than the wall time."""
    file_name, content = CASES[name]()
    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work) / "corpus"
        corpus.mkdir()
        (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
        (corpus / file_name).write_text(content, encoding="utf-8")
        (corpus / "manifest.csv").write_text(
            f"file,outlet,published,url\ngood.txt,Good,2020-01-05,\n{file_name},Hostile,2020-01-05,\n",
            encoding="utf-8",
        )
        command = [sys.executable, "-m", "pipeline", "run", "--no-cache", "--corpus", str(corpus)]
        command += ["--lexicons", str(PROJECT / "lexicons"), "--out", str(Path(work) / "reports")]
        start, cpu_start = time.perf_counter(), _children_cpu()
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=timeout, cwd=PROJECT)
        except subprocess.TimeoutExpired:
            return None
        return time.perf_counter() - start, _children_cpu() - cpu_start


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@click.command()
@click.option("--case", "cases", multiple=True, type=click.Choice(sorted(CASES)), help="Only this case.")
@click.option("--timeout", default=120.0, show_default=True, help="Seconds before a case is cut off.")
@click.option("--list", "list_only", is_flag=True, help="Print the case names and stop.")
def main(cases: tuple[str, ...], timeout: float, list_only: bool) -> None:
    """Print wall and CPU seconds per hostile case and whether the wall time is under the 10 s target."""
    if list_only:
        click.echo("\n".join(CASES))
        return
    failed = 0
    for name in cases or CASES:
        seconds = run_case(name, timeout)
        ok = seconds is not None and seconds[0] < TARGET_S
        failed += not ok
        shown = f"{f'>{timeout:.0f}':>7} s" if seconds is None else f"{seconds[0]:7.1f} s  (CPU {seconds[1]:5.1f} s)"
        click.echo(f"{name:24} {shown}  {'pass' if ok else 'FAIL'}", nl=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
