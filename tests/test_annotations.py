"""`qmark assess --annotations` (issue 10): every sentence in reading order, with its labels and a
score per sentence label, in the JSON and its schema."""

from __future__ import annotations

import json
import subprocess
import sys

from qmark.cli import sample_path
from qmark.engine import Engine
from qmark.render.jsonout import schema, to_json
from qmark.signals import PUBLIC_LABELS


def test_annotations_list_every_sentence_in_reading_order(tmp_path):
    out, plain = tmp_path / "with.json", tmp_path / "without.json"
    r = subprocess.run(
        [sys.executable, "-m", "qmark.cli", "assess", str(sample_path()), "--json", str(out), "--annotations", "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    sentences = data["sentences"]
    engine = Engine.from_profile("analysis")
    report = engine.read(sample_path())
    assert len(sentences) == len(report.sentences)
    assert [s["start"] for s in sentences] == sorted(s["start"] for s in sentences)
    for s, ours in zip(sentences, report.sentences, strict=True):
        assert set(s) == {"text", "start", "end", "paragraph", "labels", "scores"}
        assert s["text"] == report.text[s["start"] : s["end"]] and (s["start"], s["end"], s["paragraph"]) == (
            ours.start,
            ours.end,
            ours.paragraph,
        )
        assert set(s["scores"]) == set(PUBLIC_LABELS) and all(0 <= p <= 1 for p in s["scores"].values())
    # Each score is the learned head's probability where a head decides the label, else what the
    # cue rules' decision is worth on the labelled corpus (the profile's rule_scores).
    analysis = engine.analyse(report)
    rules = engine.profile.thresholds.rule_scores
    learned = next((d for d in engine.detectors if hasattr(d, "model") and hasattr(d.model, "modes")), None)
    by_rules = (
        {lab for lab, mode in zip(learned.model.labels, learned.model.modes, strict=True) if mode == "rules"}
        if learned
        else set(PUBLIC_LABELS)
    )
    assert by_rules
    for s, ours in zip(sentences, report.sentences, strict=True):
        own = analysis.sentence_scores.get(ours.index, {})
        for label in PUBLIC_LABELS:
            if label in own:
                assert s["scores"][label] == own[label] and label not in by_rules
            else:
                assert s["scores"][label] == rules[label][0 if label in s["labels"] else 1]
    if learned:
        assert any(analysis.sentence_scores.values())  # the learned heads scored the analysis
    # a label the rules give is scored higher than the same label where they do not
    assert all(rules[label][0] > rules[label][1] for label in PUBLIC_LABELS)
    # the profile's own signals are labels too, and knowledge hits tied to a sentence
    assert any("case_link" in s["labels"] for s in sentences)

    r = subprocess.run(
        [sys.executable, "-m", "qmark.cli", "assess", str(sample_path()), "--json", str(plain), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0 and "sentences" not in json.loads(plain.read_text())


def test_a_detectors_own_probability_is_the_score():
    """A learned detector's probabilities (Analysis.sentence_scores) are the scores; labels it
    gives none for keep the rules' figure."""
    engine = Engine.from_profile("analysis")
    analysis = engine.analyse(engine.read(sample_path()))
    s = analysis.report.sentences[40]
    analysis.sentence_scores[s.index] = {"evaluation": 0.9312, "working_out": 0.02}
    a = engine.rate(analysis, annotations=True)
    assert a.sentences is not None
    got = a.sentences[40].scores
    assert got["evaluation"] == 0.9312 and got["working_out"] == 0.02
    assert got["method"] in engine.profile.thresholds.rule_scores["method"]
    assert json.loads(to_json(a))["sentences"][40]["scores"]["evaluation"] == 0.9312


def test_the_schema_documents_the_sentences():
    s = schema()
    assert "sentences" in s["properties"] and "SentenceAnnotation" in s["$defs"]
    fields = s["$defs"]["SentenceAnnotation"]["properties"]
    assert {"text", "start", "end", "paragraph", "labels", "scores"} <= set(fields)
    assert "rules" in fields["scores"]["description"]
