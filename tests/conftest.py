"""Shared helpers: small corpora written to a temporary folder, the project's own folders."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SEED_CORPUS = PROJECT / "corpus"
LEXICONS = PROJECT / "lexicons"


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
