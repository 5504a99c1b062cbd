"""Whose words: the outlet's own, quoted, or reported speech, and who the speaker is (pipeline.text.speech)."""

import shutil

import pytest
from conftest import LEXICONS

from pipeline.framing.statements import article_statements
from pipeline.reading.lexicons import Lexicon, read_framing_lexicons
from pipeline.text import speech
from pipeline.text.match import Matcher, Words
from pipeline.text.segment import split_sentences


@pytest.fixture(scope="module")
def matchers():
    framing, _ = read_framing_lexicons(LEXICONS)
    return Matcher(Lexicon(framing.attribution.entries)), Matcher(framing.actors)


def statements_of(text, matchers):
    """(kind, speaker as written, actor, source type, verb, words spoken) of each statement in `text`."""
    verbs, actors = matchers
    spans = split_sentences(text)
    found = article_statements(text, spans, verbs.find_in_sentences(Words(text, spans)), actors)
    return [
        (s.kind, source.written, actor, source.source_type, s.verb.entry.term if s.verb else "", text[s.start : s.end])
        for s, source, actor in found
    ]


def reported_words(text, matchers):
    verbs, _ = matchers
    spans = split_sentences(text)
    from pipeline.text.segment import quote_spans

    quotes = quote_spans(text)
    found = speech.speeches(
        text, spans, quotes, speech.reporting_verbs(verbs.find_in_sentences(Words(text, spans)), spans, quotes)
    )
    return [text[a:b] for a, b in speech.reported_spans(found)]


def test_he_said_that_makes_what_follows_reported_speech_of_the_person_named_before(matchers):
    text = "Cleric Moqtada al-Sadr called for a march. He further said that occupying forces violate Iraq every day."
    assert statements_of(text, matchers) == [
        ("reported", "He", "Moqtada al-Sadr", "person", "said", "occupying forces violate Iraq every day.")
    ]


def test_he_resolves_to_the_first_person_of_the_sentence_before_not_the_nearest_name(matchers):
    text = (
        "NBC News said that National Security Adviser John Bolton urged Trump for it. "
        "But he wrongly argued it as to retaliate for Iran's downing of a drone."
    )
    argued = statements_of(text, matchers)[1]
    assert argued[:5] == ("reported", "he", "Bolton", "person", "argued")


def test_an_unnamed_official_is_anonymous_and_given_no_country(matchers):
    text = "Axios also cited an unnamed senior Iraqi official who claimed that many Kurdish members did not attend."
    assert statements_of(text, matchers) == [
        (
            "reported",
            "an unnamed senior Iraqi official",
            "",
            "anonymous",
            "claimed",
            "many Kurdish members did not attend.",
        )
    ]


def test_three_officials_told_axios_is_anonymous_not_the_nearest_actor(matchers):
    text = "The three officials told Axios that the Trump administration tried to block the vote."
    kind, written, actor, source_type, verb, words = statements_of(text, matchers)[0]
    assert kind == "reported"
    assert (written, actor, source_type, verb) == ("The three officials", "", "anonymous", "told")
    assert words == "the Trump administration tried to block the vote."


def test_a_closing_attribution_makes_the_clause_before_it_reported(matchers):
    text = "The prime minister made the request in a call on Thursday, his office said in a statement."
    assert statements_of(text, matchers) == [
        (
            "reported",
            "his office",
            "his office",
            "organisation",
            "said",
            "The prime minister made the request in a call on Thursday",
        )
    ]


def test_according_to_opening_a_sentence_reports_what_follows_its_comma(matchers):
    text = "According to the statement, the strikes were an unacceptable breach of sovereignty."
    assert reported_words(text, matchers) == ["the strikes were an unacceptable breach of sovereignty."]


def test_according_to_closing_a_sentence_reports_what_comes_before(matchers):
    text = "Trump ordered the killing in June 2019, according to US media reports."
    assert reported_words(text, matchers) == ["Trump ordered the killing in June 2019"]


def test_believes_reports_the_view_that_follows_as_the_sources(matchers):
    text = "But Trump believes the absence of US troops will only embolden Iran in its destabilizing effects."
    assert reported_words(text, matchers) == [
        "the absence of US troops will only embolden Iran in its destabilizing effects."
    ]


def test_a_participle_after_a_comma_is_credited_to_the_sentences_subject(matchers):
    text = "Donald Trump has threatened sanctions on Iraq, saying billions of dollars have been spent there."
    statement = statements_of(text, matchers)[0]
    assert statement[:5] == ("reported", "Donald Trump", "Trump", "person", "saying")


def test_a_quote_followed_by_its_speaker_is_a_quote_of_that_speaker_with_nothing_reported(matchers):
    text = "“The US merely understands the language of force,” al-Hosseini said."
    assert statements_of(text, matchers) == [
        ("quote", "al-Hosseini", "al-Hosseini", "person", "said", "“The US merely understands the language of force,”")
    ]
    assert reported_words(text, matchers) == []


def test_the_spokesman_resolves_to_the_spokesman_named_earlier(matchers):
    text = (
        "Today, spokesman of Kataib Hezbollah group claimed that the American forces are surrounded. "
        "“Many people are not aware of it,” the spokesman said in an interview."
    )
    quote = statements_of(text, matchers)[1]
    assert quote[:5] == ("quote", "the spokesman", "Iraqi armed groups", "organisation", "said")


def test_a_narrative_sentence_has_no_statement(matchers):
    text = "Iraq's parliament voted to expel the American troops after the strike."
    assert statements_of(text, matchers) == []


def test_claimed_responsibility_reports_nothing(matchers):
    text = "ISIS terrorists quickly claimed responsibility for the bombings in a post."
    assert statements_of(text, matchers) == []


def test_a_nested_report_keeps_both_speakers(matchers):
    text = "Spokesperson Morgan Ortagus said Pompeo reiterated the condemnation of the strikes."
    assert [(s[1], s[5]) for s in statements_of(text, matchers)] == [
        ("Spokesperson Morgan Ortagus", "Pompeo reiterated the condemnation of the strikes."),
        ("Pompeo", "the condemnation of the strikes."),
    ]


def test_a_quoted_paragraph_after_an_attributed_one_continues_its_speaker(matchers):
    text = "“We condemn the attacks,” the minister said.\n“We will not accept them.”"
    assert [(s[0], s[1], s[5]) for s in statements_of(text, matchers)] == [
        ("quote", "the minister", "“We condemn the attacks,”"),
        ("quote", "the minister", "“We will not accept them.”"),
    ]


def test_a_scare_quote_inside_a_sentence_has_no_speaker(matchers):
    text = "Washington called the strike “necessary and proportionate action” on Friday."
    assert statements_of(text, matchers) == [("quote", "", "", "", "", "“necessary and proportionate action”")]


@pytest.fixture(scope="module")
def seed_statements():
    from conftest import SEED_CORPUS

    from pipeline.flow import analyze

    tables = analyze(SEED_CORPUS, LEXICONS)
    return tables.statements, tables.hits


def statement_with(statements, words):
    rows = statements[statements["text"].str.contains(words, regex=False)]
    assert len(rows) >= 1, words
    return rows.iloc[0]


def test_on_the_seed_sadrs_occupying_forces_is_reported_speech_of_sadr(seed_statements):
    statements, hits = seed_statements
    row = statement_with(statements, "occupying forces violate the skies")
    assert (row.outlet, row.kind, row.speaker, row.actor, row.verb) == (
        "GTV News",
        "reported",
        "He",
        "Moqtada Sadr",
        "said",
    )
    occupying = hits[(hits["outlet"] == "GTV News") & (hits["term"] == "occupying forces")]
    assert set(occupying["voice"]) == {"reported"}


def test_on_the_seed_he_wrongly_argued_is_boltons(seed_statements):
    statements, _ = seed_statements
    row = statement_with(statements, "it as to retaliate for Iran")
    assert (row.speaker, row.actor, row.verb_class) == ("he", "Bolton", "doubting")


def test_on_the_seed_an_unnamed_senior_iraqi_official_is_anonymous_not_iraq(seed_statements):
    statements, _ = seed_statements
    row = statement_with(statements, "many Kurdish and Sunni members")
    assert (row.speaker, row.actor, row.source_type) == ("an unnamed senior Iraqi official", "", "anonymous")


def test_on_the_seed_three_officials_told_axios_is_not_trumps(seed_statements):
    statements, _ = seed_statements
    row = statement_with(statements, "tried to convince the Iraqi government")
    assert (row.speaker, row.actor, row.source_type) == ("The three officials", "", "anonymous")


def test_on_the_seed_the_words_others_speak_are_not_the_outlets(seed_statements):
    _, hits = seed_statements
    voice_of = {(h.outlet, h.term): h.voice for h in hits.itertuples()}
    assert voice_of[("Salam Web Today", "resistance group*")] == "reported"  # the spokesman's claim
    assert voice_of[("I Am Best Networks", "unacceptable")] == "reported"  # the Prime Minister's words
    assert voice_of[("I Am Best Networks", "destabiliz*")] == "reported"  # what "Trump believes"


def test_one_verb_that_introduces_reported_words_and_a_quote_counts_once_for_its_source():
    # Sputnik: 'One US official reportedly said that the exit ... would "be catastrophic for Iraq".'
    from conftest import SEED_CORPUS

    from pipeline.flow import analyze

    tables = analyze(SEED_CORPUS, LEXICONS)
    sputnik = tables.sources[tables.sources["outlet"] == "Sputnik"].set_index("source")
    unnamed = tables.attribution[
        (tables.attribution["outlet"] == "Sputnik") & (tables.attribution["speaker"] == "(unnamed source)")
    ]
    assert sputnik.loc["(unnamed source)", "verbs"] == "said 4; claimed 1; told 1"  # as the attribution table
    assert set(unnamed["verbs"]) == {"said 4; told 1", "claimed 1"}


def test_he_after_a_role_in_the_same_sentence_is_that_role_not_the_person_named_before(matchers):
    text = (
        "Prime Minister Adel Abdul Mahdi met the envoy. Trump believes the troops must stay. "
        "Even though the prime minister stopped short of asking for removal, he suggested that the US should draw a framework."
    )
    suggested = next(s for s in statements_of(text, matchers) if s[4] == "suggested")
    assert suggested[1:4] == ("he", "Iraqi government", "person")  # Abdul Mahdi, through actors.csv


def test_they_is_the_group_that_is_the_subject_of_the_sentence_before(matchers):
    text = (
        "However, US media also reported that he ordered the killing. "
        "But, Iranian media rejects US government allegations about his role. "
        "They noted that the Iraq government officially invited him."
    )
    noted = next(s for s in statements_of(text, matchers) if s[4] == "noted")
    assert noted[1:4] == ("They", "Iranian media", "organisation")


def test_an_actors_edit_changes_whom_a_speaker_stands_for_in_the_same_process(matchers, tmp_path):
    # Speakers' actors are remembered per actors lexicon: an edit is seen at once, the old lexicon keeps its own.
    text = "NBC News said that the strike was planned for months."
    assert statements_of(text, matchers)[0][2] == "NBC News"
    edited = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, edited)
    with open(edited / "actors.csv", "a", encoding="utf-8") as actors:
        actors.write("NBC (network),NBC News,\n")
    framing, _ = read_framing_lexicons(edited)
    assert statements_of(text, (matchers[0], Matcher(framing.actors)))[0][2] == "NBC (network)"
    assert statements_of(text, matchers)[0][2] == "NBC News"
