"""Shared helpers: small corpora written to a temporary folder, the project's own folders."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from pipeline.reading.clean import BoilerplatePattern, clean_articles

PROJECT = Path(__file__).resolve().parents[1]
SEED_CORPUS = PROJECT / "corpus"
LEXICONS = PROJECT / "lexicons"


def clean_one(raw: str, patterns: Sequence[BoilerplatePattern] = ()) -> tuple[str, str, list[tuple]]:
    """(clean text, title, removed lines as (line_no, text, rule, detail)) of one scraped article, cleaned
    by clean_articles as the pipeline cleans a corpus; text and title are "" when no text is left (the
    pipeline then drops the article)."""
    article = {"article_id": "a", "file": "a.txt", "record": 0, "outlet": "S", "url": "", "title": "", "raw_text": raw}
    cleaned, removed, _ = clean_articles(pd.DataFrame([article]), patterns)
    rows = list(removed[["line_no", "text", "rule", "detail"]].itertuples(index=False, name=None))
    return (cleaned.text.iloc[0], cleaned.title.iloc[0], rows) if len(cleaned) else ("", "", rows)


@pytest.fixture
def make_corpus(tmp_path):
    """Write files plus a manifest into a fresh corpus folder: make_corpus({"a.txt": "..."}, manifest=...)."""

    def make(files: dict[str, str | bytes], manifest: str | None = None) -> Path:
        corpus = tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        for name, content in files.items():
            path = corpus / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        if manifest is None:
            rows = [f"{name},Outlet {name.split('.')[0].upper()},2020-01-05," for name in files]
            manifest = "file,outlet,published,url\n" + "\n".join(rows) + "\n"
        (corpus / "manifest.csv").write_text(manifest, encoding="utf-8")
        return corpus

    return make
