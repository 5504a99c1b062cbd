"""Cleaning: page chrome goes (each removal audited), every real sentence stays."""

import ftfy
import ftfy.badness
import pandas as pd
from conftest import clean_one
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.reading.clean import (
    clean_articles,
    is_date_line,
    might_be_mojibake,
    normalize_text,
    parse_boilerplate,
    title_from_url,
)

PATTERNS, _ = parse_boilerplate(["Leave a Comment", "re: ^your email address will not be published"], "boilerplate.txt")


def test_boilerplate_lines_are_removed_but_quotes_stay():
    raw = 'Iraq votes to expel troops.\nLeave a Comment\n"Leave now," he said.'
    text, _, removed = clean_one(raw, PATTERNS)
    assert text == 'Iraq votes to expel troops.\n"Leave now," he said.'
    assert removed == [(2, "Leave a Comment", "pattern", "'Leave a Comment' (boilerplate.txt:1)")]


def test_a_pattern_ignores_case_and_surrounding_punctuation_but_not_other_words():
    raw = "Iraq votes to expel troops.\n  LEAVE A COMMENT:  \nLeave a comment below about the vote, readers were told."
    text, _, removed = clean_one(raw, PATTERNS)
    assert [r[1] for r in removed] == ["LEAVE A COMMENT:"]
    assert text.endswith("readers were told.")


def test_scrape_dates_and_hijri_dates_are_removed():
    for line in [
        "Wed, 24 Apr 2024",
        "( 15 Shawwal 1445 )",
        "20:44 GMT30 October 2020",
        "20-Feb-2020",
        "15 January, 2020 15:36",
    ]:
        assert is_date_line(line), line
    assert not is_date_line("On 3 January 2020 a drone killed him.")


def test_short_chrome_lines_go_without_any_pattern_but_subheadings_about_the_story_stay():
    raw = "\n".join(
        [
            "Bolton urged Trump to approve the operation against Soleimani, NBC News said.",
            "Bolton urged Trump",
            "Listen Live",
            "Scroll to Top",
            "Pompeo backed the decision to kill Soleimani, officials said.",
        ]
    )
    text, _, removed = clean_one(raw)
    assert [(r[1], r[2]) for r in removed] == [("Listen Live", "off_topic"), ("Scroll to Top", "off_topic")]
    assert "Bolton urged Trump\n" in text


def test_a_headline_before_the_body_becomes_the_title():
    raw = "Wed, 24 Apr 2024\n\nPressure on US to leave Iraq increases\n\nThe pressure on US troops in Iraq is growing."
    text, title, removed = clean_one(raw)
    assert title == "Pressure on US to leave Iraq increases"
    assert text == "The pressure on US troops in Iraq is growing."
    assert [r[2] for r in removed] == ["date_line", "title"]


def test_related_story_lists_tag_lines_and_repeated_headlines_are_removed():
    raw = "\n".join(
        [
            "Relations Hit New Low After Killing of General (146)",
            "Parliament voted on Sunday to expel all foreign troops from Iraq.",
            "Relations Hit New Low After Killing of General (146)",
            "Iraqi Parliament Backs Expulsion of US Troops: Background and What to Expect Next",
            "troops, foreign, expelling, vote, Iraq, Trump administration, United States",
        ]
    )
    text, _, removed = clean_one(raw)
    assert text == "Parliament voted on Sunday to expel all foreign troops from Iraq."
    assert [r[2] for r in removed] == ["repeated_line", "repeated_line", "headline", "tag_list"]


def test_a_long_line_without_final_punctuation_is_kept_as_text():
    raw = (
        "Iraq wants US troops out\n"
        "Baghdad accused Washington of violating its sovereignty by summarily assassinating another\n"
        "Iraq said troops must go."
    )
    text, title, _ = clean_one(raw)
    assert title == "Iraq wants US troops out"
    assert text.startswith("Baghdad accused Washington of violating its sovereignty")


def test_mojibake_is_repaired_and_curly_quotes_stay_curly():
    assert normalize_text("Iraqâ€™s parliament said â€œnoâ€\x9d.") == "Iraq’s parliament said “no”."
    assert normalize_text("He said “no” and ‘never’.") == "He said “no” and ‘never’."


def test_whitespace_and_line_endings_are_normalized():
    assert normalize_text("A\u00a0 strike\r\nin\tBaghdad \rtoday") == "A strike\nin Baghdad\ntoday"


def test_a_line_repeated_in_most_articles_of_an_outlet_is_site_chrome():
    footer = "Subscribe to the Daily Brief for the news that matters most."
    articles = pd.DataFrame(
        {
            "article_id": ["a", "b", "c"],
            "file": ["a", "b", "c"],
            "record": [0, 0, 0],
            "outlet": ["Site"] * 3,
            "url": [""] * 3,
            "title": [""] * 3,
            "raw_text": [f"Story {n} says Iraq voted on the troops.\n{footer}" for n in "abc"],
        }
    )
    cleaned, removed, problems = clean_articles(articles)
    assert list(cleaned.text) == [f"Story {n} says Iraq voted on the troops." for n in "abc"]
    assert set(removed.rule) == {"cross_article"}
    assert problems == []


def test_an_article_with_nothing_left_after_cleaning_is_a_problem():
    articles = pd.DataFrame(
        {
            "article_id": ["a"],
            "file": ["a.txt"],
            "record": [0],
            "outlet": ["S"],
            "url": [""],
            "title": [""],
            "raw_text": ["Share this\nScroll to Top"],
        }
    )
    cleaned, _, problems = clean_articles(articles)
    assert cleaned.empty
    assert (
        problems[0].reason
        == "no article text left after cleaning (2 lines removed as page chrome; see removed_lines.csv)"
    )


def test_cleaning_a_few_articles_at_a_time_gives_the_same_result_as_all_at_once():
    # Lines repeated across an outlet's articles are counted over the whole corpus, not per block.
    footer = "Subscribe to the Daily Brief for the news that matters most."
    places = ["Baghdad", "Basra", "Erbil", "Najaf", "Mosul"]
    texts = [f"A reporter in {place} says Iraq voted on the troops.\r\n{footer}" for place in places]
    texts += ["Share this\nScroll to Top", "Another\u00a0story on the strike near the airport in Baghdad."]
    n = len(texts)
    articles = pd.DataFrame(
        {
            "article_id": [f"a{k}" for k in range(n)],
            "file": [f"a{k}.txt" for k in range(n)],
            "record": [0] * n,
            "outlet": ["Site", "Other", "Site", "Site", "Other", "Site", "Other"],
            "url": [""] * n,
            "title": [""] * n,
            "raw_text": texts,
        },
        index=range(10, 10 + n),
    )
    whole = clean_articles(articles)
    assert "cross_article" in set(whole[1].rule) and len(whole[0]) == n - 1 and len(whole[2]) == 1
    for block in (1, 2, 3):
        cleaned, removed, problems = clean_articles(articles, block=block)
        pd.testing.assert_frame_equal(cleaned, whole[0])
        pd.testing.assert_frame_equal(removed, whole[1])
        assert problems == whole[2]
    # A run lets each block's raw texts go once cleaned: the same tables, and the input loses its raw texts.
    given = articles.copy()
    cleaned, removed, problems = clean_articles(given, block=2, use_up_raw_texts=True)
    pd.testing.assert_frame_equal(cleaned, whole[0])
    pd.testing.assert_frame_equal(removed, whole[1])
    assert problems == whole[2] and "raw_text" not in given.columns


def test_a_bad_regex_in_the_boilerplate_file_is_reported_with_its_line():
    patterns, problems = parse_boilerplate(["# comment", "Share this", "re: ([unclosed"], "boilerplate.txt")
    assert [p.pattern for p in patterns] == ["Share this"]
    assert (problems[0].source, problems[0].line) == ("boilerplate.txt", 3)
    assert problems[0].reason.startswith("regex '([unclosed' is invalid")


def test_a_title_can_be_made_from_the_url_slug():
    assert title_from_url("https://x.com/us-sec-of-state-refuses-request/") == "Us sec of state refuses request"
    assert title_from_url("") == ""


def test_the_mojibake_pre_check_never_lets_bad_text_through():
    # The pre-check only skips ftfy's regex for text it could not flag: every text ftfy calls bad passes it.
    assert might_be_mojibake("Iraqâ€™s parliament") and ftfy.is_bad("Iraqâ€™s parliament")
    assert not might_be_mojibake("Iraq’s parliament voted — “leave now” … 3 Jan")


_BADNESS_CHARACTERS = sorted(set(ftfy.badness.BADNESS_RE.pattern) - set("\n#|()[]?\\") | set("abcXYZ .,!\t"))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(_BADNESS_CHARACTERS), max_size=12))
def test_any_text_ftfy_calls_bad_passes_the_pre_check(text):
    assert might_be_mojibake(text) or not ftfy.is_bad(text)
