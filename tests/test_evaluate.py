"""qmark evaluate: metrics, the corpus format, honest (out-of-fold) scoring, and the command."""

import json
import shutil

import pytest

from helpers import CORPUS, markdown_to_pages, write_docx, write_pdf
from qmark.cli import main
from qmark.evaluate import metrics
from qmark.evaluate.calibrate import Point, confidence_table, cross_validate
from qmark.evaluate.corpus import CorpusError, load_reports, load_sentences
from qmark.profile import load_profile


def test_quadratic_kappa():
    assert metrics.quadratic_kappa([("met", "met"), ("partly_met", "partly_met"), ("not_met", "not_met")]) == 1.0
    flipped = [("met", "not_met"), ("met", "not_met"), ("not_met", "met"), ("not_met", "met")]
    assert metrics.quadratic_kappa(flipped) == pytest.approx(-1.0)
    # not_met and not_evidenced are the same point on the ordinal scale
    assert metrics.quadratic_kappa([("not_met", "not_evidenced"), ("met", "met")]) == 1.0
    # one step off counts less than two
    near = [("met", "partly_met"), ("partly_met", "partly_met"), ("not_met", "not_met"), ("met", "met")]
    far = [("met", "not_met"), ("partly_met", "partly_met"), ("not_met", "not_met"), ("met", "met")]
    assert metrics.quadratic_kappa(near) > metrics.quadratic_kappa(far)


def test_bootstrap_interval_contains_the_estimate():
    groups = [[("met", "met"), ("partly_met", "met")], [("not_met", "not_met")], [("met", "partly_met"), ("met", "met")]]
    lo, hi = metrics.bootstrap_ci(groups, metrics.exact_agreement, n=300)
    flat = [p for g in groups for p in g]
    assert lo <= metrics.exact_agreement(flat) <= hi


def test_cross_validation_never_sees_the_held_out_gold():
    base = load_profile().thresholds
    pts = {
        "q1": [
            Point(f"r{i}", s, a, g)
            for i, (s, a, g) in enumerate(
                [
                    (0.1, 0, "not_evidenced"),
                    (3, 0, "met"),
                    (1, 0.5, "partly_met"),
                    (0.2, 3, "not_met"),
                    (4, 0.2, "met"),
                    (0.8, 0.1, "partly_met"),
                    (0.05, 2, "not_met"),
                    (2.5, 0, "met"),
                ]
            )
        ]
    }
    before = cross_validate(pts, base)
    # change only r3's gold: r3's own out-of-fold prediction must not move
    changed = {"q1": [Point(p.report, p.support, p.against, "met" if p.report == "r3" else p.gold) for p in pts["q1"]]}
    after = cross_validate(changed, base)
    assert before[("r3", "q1")] == after[("r3", "q1")]


def test_confidence_table_is_monotone():
    margins = [(0.01, False), (0.02, True), (0.05, False), (0.1, True), (0.2, True), (0.5, True), (2.0, True), (0.02, False)]
    table = confidence_table(margins)
    confs = [c for _, c in table]
    assert confs == sorted(confs) and all(0 < c < 1 for c in confs)


@pytest.fixture
def small_corpus(tmp_path):
    """Three labelled reports: one as Markdown, one as generated Word, one as generated PDF."""
    picks = ["r02_systems_2016", "r05_rapid_2021", "r11_lcspr_2022"]
    for name in picks:
        shutil.copy(CORPUS / f"{name}.gold.json", tmp_path)
        shutil.copy(CORPUS / f"{name}.sentences.jsonl", tmp_path)
    shutil.copy(CORPUS / "r02_systems_2016.md", tmp_path)
    write_docx(tmp_path / "r05_rapid_2021.docx", (CORPUS / "r05_rapid_2021.md").read_text(encoding="utf-8"))
    write_pdf(tmp_path / "r11_lcspr_2022.pdf", markdown_to_pages((CORPUS / "r11_lcspr_2022.md").read_text(encoding="utf-8")))
    return tmp_path


def test_evaluate_command_on_docx_pdf_and_markdown(small_corpus, capsys, tmp_path):
    out = tmp_path / "figures.json"
    assert main(["evaluate", str(small_corpus), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Exact agreement" in printed and "macro-F1" in printed
    res = json.loads(out.read_text())
    assert res["reports"] == 3
    assert 0 <= res["overall"]["exact"] <= 1
    assert set(res["questions"]) == {f"q{i}" for i in range(1, 12)}
    assert res["sentences"]["n"] > 100
    assert 0 <= res["overall"]["recall_at_3"] <= 1


def test_corpus_errors_name_the_file(tmp_path):
    (tmp_path / "a.gold.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="a.gold.json: not valid JSON"):
        load_reports(tmp_path)
    (tmp_path / "a.gold.json").write_text(json.dumps({"report": "a", "questions": {"q1": {"rating": "great"}}}))
    with pytest.raises(CorpusError, match="a.gold.json: field 'questions.q1.rating'"):
        load_reports(tmp_path)
    (tmp_path / "a.gold.json").write_text(json.dumps({"report": "a", "questions": {"q1": {"rating": "met"}}}))
    with pytest.raises(CorpusError, match="no report named a"):
        load_reports(tmp_path)
    (tmp_path / "s.jsonl").write_text('{"text": "x", "labels": ["brilliance"]}\n')
    with pytest.raises(CorpusError, match="s.jsonl: line 1: unknown label 'brilliance'"):
        load_sentences(tmp_path)


def test_development_corpus_is_well_formed():
    from qmark.profile import load_profile

    reports = load_reports(CORPUS)
    assert len(reports) >= 12
    sentences = load_sentences(CORPUS)
    assert len(sentences) >= 600
    for r in reports:
        assert set(r.gold.questions) == set(load_profile(r.gold.profile).question_ids), r.name
    reports = [r for r in reports if r.gold.profile == "analysis"]
    # every rating level is used, for most questions
    for q in [f"q{i}" for i in range(1, 12)]:
        levels = {r.gold.questions[q].rating for r in reports}
        assert len(levels) >= 2, q
