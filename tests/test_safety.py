"""Nothing injected, nothing half-written, nothing left to chance: hostile text, killed runs, determinism."""

import csv
import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
from click.testing import CliRunner
from conftest import LEXICONS, PROJECT, SEED_CORPUS, clean_one
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.reading.clean import normalize_text
from pipeline.reading.corpus import decode_bytes
from pipeline.reports.report import neutralize_formula, to_csv_text

HOSTILE = "<script>alert('x')</script>"


def test_hostile_outlet_names_titles_and_lexicon_terms_show_as_text(make_corpus, tmp_path):
    corpus = make_corpus(
        {"a.txt": f"Officials said the regime b fell on Sunday, {HOSTILE} said a spokesman."},
        manifest=f'file,outlet,title\na.txt,"Outlet {HOSTILE}","Title <img src=x onerror=alert(1)>"\n',
    )
    lexicons = tmp_path / "lexicons"
    lexicons.mkdir()
    (lexicons / "x.csv").write_text("term,category,weight,note\nregime<b>,delegitimizing,2,<i>note</i>\n")
    out = tmp_path / "reports"
    result = CliRunner().invoke(main, ["run", "--corpus", str(corpus), "--lexicons", str(lexicons), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for page in [out / "index.html", *(out / "outlets").glob("*.html")]:
        html = page.read_text()
        assert "<script>" not in html and "<img" not in html and "regime<b>" not in html
    outlet_page = next((out / "outlets").glob("*.html")).read_text()
    assert "Outlet &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in outlet_page
    assert "Title &lt;img src=x onerror=alert(1)&gt;" in outlet_page
    assert "regime&lt;b&gt;" in outlet_page
    markdown = (out / "report.md").read_text()
    assert "<script>" not in markdown


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralized(make_corpus, tmp_path):
    corpus = make_corpus(
        {"a.txt": '=HYPERLINK("http://x.example","click") and the regime fell on Sunday, officials said.'}
    )
    out = tmp_path / "reports"
    CliRunner().invoke(main, ["run", "--corpus", str(corpus), "--lexicons", str(LEXICONS), "--out", str(out)])
    with open(out / "tables" / "sentences.csv", newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    assert texts == ['\'=HYPERLINK("http://x.example","click") and the regime fell on Sunday, officials said.']
    assert [neutralize_formula(x) for x in ["+1", "-2", "@SUM", "\tx", "ok", 3.5]] == [
        "'+1",
        "'-2",
        "'@SUM",
        "'\tx",
        "ok",
        3.5,
    ]


def test_a_column_of_strings_is_neutralized_like_cell_by_cell():
    cells = ["=1+1", "plain", None, "-3", "@x", "\rA", "a=b", ""]
    as_strings = pd.DataFrame({"text": pd.Series(cells, dtype="str")})
    as_objects = pd.DataFrame({"text": pd.Series(cells, dtype=object)})
    as_categories = pd.DataFrame({"text": pd.Series(cells, dtype="category")})
    assert to_csv_text(as_strings) == to_csv_text(as_objects) == to_csv_text(as_categories)
    # An outlet "=1+1" and one "'=1+1" would be the same category once neutralized: each cell keeps its own.
    both = pd.DataFrame({"outlet": pd.Series(["=1+1", "'=1+1", "=1+1"], dtype="category")})
    assert to_csv_text(both) == "outlet\n'=1+1\n'=1+1\n'=1+1\n"
    assert to_csv_text(as_strings).split("\n")[1:3] == ["'=1+1", "plain"]


def test_a_run_killed_while_writing_leaves_the_previous_reports_whole(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = ["file,outlet,published,url"]
    for n in range(8):
        for seed in sorted(SEED_CORPUS.glob("*.txt")):
            name = f"{n:02d}-{seed.name}"
            shutil.copy(seed, corpus / name)
            rows.append(f"{name},Outlet {n:02d} {seed.stem[:6]},2020-01-05,")
    (corpus / "manifest.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "reports"
    command = [sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--lexicons", str(LEXICONS)]
    subprocess.run([*command, "--out", str(out)], check=True, capture_output=True, cwd=PROJECT)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    process = subprocess.Popen(
        [*command, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=PROJECT
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".reports.staging-*")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    subprocess.run([*command, "--out", str(out)], check=True, capture_output=True, cwd=PROJECT)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "reports"]  # leftovers cleaned up


def test_tables_are_identical_across_hash_seeds_and_locales(tmp_path):
    outputs = []
    for seed, locale in [("0", "C"), ("12345", "C.UTF-8")]:
        out = tmp_path / f"reports-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "LC_ALL": locale, "LANG": locale}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline",
                "run",
                "--corpus",
                str(SEED_CORPUS),
                "--lexicons",
                str(LEXICONS),
                "--out",
                str(out),
            ],
            check=True,
            capture_output=True,
            env=env,
            cwd=PROJECT,
        )
        outputs.append({p.name: p.read_bytes() for p in sorted((out / "tables").iterdir())})
    assert outputs[0] == outputs[1]


ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400)
NEWSY_TEXT = st.lists(
    st.sampled_from(
        [
            "Share this",
            "Iraq voted to expel troops.",
            "“Leave now,” he said.",
            "Wed, 24 Apr 2024",
            "Bolton urged Trump",
            "US troops in Iraq",
            "Listen Live",
            "The regime fell, officials said.",
            "",
            "troops, Iraq, vote, US, Trump",
        ]
    ),
    max_size=12,
).map("\n".join)


@given(st.binary(max_size=300))
def test_any_bytes_either_decode_or_are_refused_with_a_reason(data):
    try:
        text, encoding = decode_bytes(data)
    except ValueError as error:
        assert str(error)
    else:
        assert isinstance(text, str) and encoding


@given(ANY_TEXT)
def test_normalizing_is_idempotent(text):
    assert normalize_text(normalize_text(text)) == normalize_text(text)


@settings(max_examples=200)
@given(st.one_of(ANY_TEXT, NEWSY_TEXT))
def test_cleaning_a_cleaned_article_changes_nothing(raw):
    text, title, _ = clean_one(raw)
    again_text, again_title, removed = clean_one((title + "\n" + text) if title else text)
    assert (again_text, again_title) == (text, title)
    assert [rule for _, _, rule, _ in removed] in ([], ["title"])
