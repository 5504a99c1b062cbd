"""The last touch on every HTML page: tables that turn into cards on a narrow screen, and unique anchors.

On a phone a table of eight columns cannot show its rows; below the page's narrow width (base.html's CSS)
each row becomes a card whose cells carry their column's name. The names come from the table's own
header, so the templates stay plain HTML tables.
"""

from __future__ import annotations

import hashlib
import html
import re

_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)
_ROW = re.compile(r"(<tr\b[^>]*>)(.*?)</tr>", re.DOTALL)
_CELL_START = re.compile(r"<td\b")
_TAG = re.compile(r"<[^>]+>")
_ID = re.compile(r' id="([^"]+)"')


def finish_page(page: str) -> str:
    """The page with card-ready tables (cards_ready) and no id given twice (unique_ids)."""
    return unique_ids(_TABLE.sub(lambda m: cards_ready(m.group(1)), page))


def cards_ready(inside: str) -> str:
    """A table (its inner HTML) with class "cards" and each body cell labelled with its column's header;
    a table without a <thead> is left as it is (its rows name themselves)."""
    if "<thead>" not in inside:
        return f"<table>{inside}</table>"
    head, _, body = inside.partition("</thead>")
    names = [html.escape(html.unescape(_TAG.sub("", cell)).strip()) for cell in _HEADER_CELL.findall(head)]

    def labelled(row: re.Match) -> str:
        cells = iter(names)
        return row.group(1) + _CELL_START.sub(lambda _: f'<td data-label="{next(cells, "")}"', row.group(2)) + "</tr>"

    return f'<table class="cards">{head}</thead>{_ROW.sub(labelled, body)}</table>'


def unique_ids(page: str) -> str:
    """The page with every id after its first use removed: a sentence shown under two findings is one
    link target, and the page stays valid HTML."""
    seen: set[str] = set()

    def first_only(match: re.Match) -> str:
        if match.group(1) in seen:
            return ""
        seen.add(match.group(1))
        return match.group(0)

    return _ID.sub(first_only, page)


def sentence_anchor(article_id: str, sentence_id: int) -> str:
    """The id of a sentence on a page: the same on every page that shows it, so links can point at it."""
    return f"s-{anchor(article_id)}-{int(sentence_id)}"


def anchor(name: object) -> str:
    """A name as a link target: its letters and digits, and a short digest when that drops anything (two
    names never share a target)."""
    text = str(name)
    plain = "-".join(re.findall(r"[A-Za-z0-9]+", text))
    if plain == text:
        return plain
    return f"{plain}-{hashlib.blake2b(text.encode('utf-8'), digest_size=3).hexdigest()}".lstrip("-")
