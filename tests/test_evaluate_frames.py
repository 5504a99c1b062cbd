"""`mediabias evaluate` on article-level frame gold (file,frames), on a tiny invented corpus worked out by hand.

Cues (lexicons/frames.csv): econom*, cost*, trade (economic); parliament, vote* (political). Sentences cueing a frame / sentences:
  a.txt: economic 1/3, political 1/3   b.txt: political 2/2   c.txt: none of 2   d.txt: economic 2/4
Gold: a Economic+Political, b Political (and a frame name that is no Media Frames Corpus frame), c Economic,
d Economic, e.txt is not in the corpus.
"""

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.measuring.evaluate import MEDIA_FRAMES, read_gold
from pipeline.reading.lexicons import FRAME_DIMENSIONS
from pipeline.tuning.gold import evaluate_against_gold

ARTICLES = {
    "a.txt": "The economy shrank. Prices rose. Parliament met.",
    "b.txt": "Parliament voted. The vote failed.",
    "c.txt": "Nothing happened today. It rained.",
    "d.txt": "Costs of trade grew. The economy boomed. A quiet day. Another day.",
}
GOLD = 'file,frames\na.txt,"Economic,Political"\nb.txt,"Political,Made_up_frame"\nc.txt,Economic\nd.txt,Economic\ne.txt,Political\n'
CUES = "term,frame,note\neconom*,economic,\ncost*,economic,\ntrade,economic,\nparliament,political,\nvote*,political,\n"


@pytest.fixture
def folders(tmp_path):
    corpus, lexicons = tmp_path / "corpus", tmp_path / "lexicons"
    corpus.mkdir()
    lexicons.mkdir()
    (corpus / "manifest.csv").write_text(
        "file,outlet,published,url\n" + "".join(f"{name},Wire,,\n" for name in ARTICLES)
    )
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text + "\n")
    (lexicons / "frames.csv").write_text(CUES)
    (lexicons / "loaded.csv").write_text("term,category,weight,note\nregime,delegitimizing,2,\n")  # run needs one
    (tmp_path / "frames.csv").write_text(GOLD)
    return tmp_path


def auc(evaluation, frame, score):
    return evaluation.frame_scores.set_index(["frame", "score"]).loc[(frame, score), "auc"]


def test_every_media_frames_corpus_frame_is_one_of_the_frame_dimensions():
    assert len(MEDIA_FRAMES) == 14 and set(MEDIA_FRAMES.values()) == set(FRAME_DIMENSIONS) - {"other"}


def test_a_file_frames_gold_is_read_as_frame_gold():
    assert read_gold(GOLD, "frames.csv")[0] == "frames"


def test_cue_share_and_length_are_ranked_against_the_coders_frames(folders):
    evaluation = evaluate_against_gold(GOLD, "frames.csv", folders / "corpus", folders / "lexicons")
    # Economic: a (1/3), c (0), d (2/4) against b (0): 1 + 0.5 + 1 of 3 pairs.
    assert auc(evaluation, "economic", "share") == pytest.approx(2.5 / 3)
    assert auc(evaluation, "economic", "n_sentences") == pytest.approx(2.5 / 3)
    # Political: a (1/3), b (1) against c and d (0): every pair.
    assert auc(evaluation, "political", "share") == 1.0
    # Length in sentences, political: a 3, b 2 against c 2, d 4: a>c, b=c half, of 4 pairs.
    assert auc(evaluation, "political", "length") == pytest.approx(1.5 / 4)
    assert auc(evaluation, "political", "chance") == 0.5
    row = evaluation.frame_scores.set_index(["frame", "score"]).loc[("political", "share")]
    assert (row["gold_frame"], row["n_positive"], row["n_articles"]) == ("Political", 2, 4)


def test_a_frame_no_article_has_gets_no_auc(folders):
    evaluation = evaluate_against_gold(GOLD, "frames.csv", folders / "corpus", folders / "lexicons")
    assert evaluation.frame_scores.set_index(["frame", "score"]).loc[("morality", "share"), "auc"] != 0.5
    summary = evaluation.frame_summary.set_index("frame")
    assert summary.loc["morality", "auc_share"] != summary.loc["morality", "auc_share"]  # nan
    assert summary.loc["mean", "auc_share"] == pytest.approx((2.5 / 3 + 1.0) / 2)


def test_articles_not_in_the_corpus_and_unknown_frame_names_are_reported(folders):
    evaluation = evaluate_against_gold(GOLD, "frames.csv", folders / "corpus", folders / "lexicons")
    assert evaluation.problems == [
        "gold line 6: article 'e.txt' is not in the corpus (or has no text after cleaning)",
        "gold frame 'Made_up_frame' (line 3) is not one of the 14 Media Frames Corpus frames: left out",
    ]


def test_the_command_prints_each_frame_beside_length_and_writes_the_table(folders):
    out = folders / "evaluation"
    args = ["evaluate", "--gold", str(folders / "frames.csv"), "--corpus", str(folders / "corpus")]
    result = CliRunner().invoke(main, [*args, "--lexicons", str(folders / "lexicons"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "political (n=2/4)" in result.output and "share 1.000" in result.output
    assert "mean over frames" in result.output
    assert (out / "frame_scores.csv").read_text().startswith("frame,gold_frame,score,auc,n_positive,n_articles\n")
    assert "Frames: the cues beside a baseline" in (out / "index.html").read_text()
