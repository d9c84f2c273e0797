"""The framework is data: the Analysis marker loads, and broken files are refused clearly."""

from pathlib import Path

import pytest
import yaml

from qmark.data import DataFileError
from qmark.engine import Engine
from qmark.framework import parse_framework
from qmark.profile import load_profile

PROFILE = load_profile()


def load_framework(path=None):
    """Parse a framework file and check its signals against the default pipeline's detectors."""
    if path is None:
        return PROFILE.framework
    fw = parse_framework(path)
    known = set().union(*(d.signals for d in Engine(PROFILE).detectors))
    from qmark.framework import check_signals

    problems = check_signals(fw, known, path)
    if problems:
        raise DataFileError(problems[0])
    return fw


SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "analysis-quality-marker.txt"


def test_analysis_marker_has_the_eleven_questions():
    fw = load_framework()
    assert [q.id for q in fw.questions] == [f"q{i}" for i in range(1, 12)]
    assert all(q.look_in and q.supports and q.not_found for q in fw.questions)


@pytest.mark.skipif(not SEED.exists(), reason="shared seed text not beside the repository")
def test_questions_are_the_markers_own_words():
    seed = " ".join(SEED.read_text(encoding="utf-8").replace("\u2019", "'").split())
    for q in load_framework().questions:
        assert " ".join(q.text.split()) in seed, q.id


def _broken(tmp_path, mutate):
    raw = yaml.safe_load((PROFILE.folder / "framework.yaml").read_text(encoding="utf-8"))
    mutate(raw)
    p = tmp_path / "broken.yaml"
    p.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return str(p)


@pytest.mark.parametrize(
    "mutate, field, words",
    [
        (lambda r: r["questions"][2].pop("text"), "questions.2.text", "Field required"),
        (lambda r: r["questions"][0]["look_in"].append("nowhere"), "questions.0.look_in", "unknown section role"),
        (
            lambda r: r["questions"][4]["supports"][0].update(signal="telepathy"),
            "questions.q5.supports.0.signal",
            "unknown signal 'telepathy'",
        ),
        (lambda r: r["questions"][1].update(id="q1"), "(top level)", "repeated: q1"),
        (lambda r: r["questions"][0]["supports"][0].update(weight=-1), "questions.0.supports.0.weight", "greater than 0"),
    ],
)
def test_broken_framework_names_file_field_and_problem(tmp_path, mutate, field, words):
    path = _broken(tmp_path, mutate)
    with pytest.raises(DataFileError) as err:
        load_framework(path)
    msg = str(err.value)
    assert msg.startswith(path)
    assert field in msg
    assert words in msg
    assert "\n" not in msg


def test_not_yaml_at_all(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("questions: [unclosed\n  - q1: : :\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid YAML at line"):
        load_framework(str(p))


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="file not found"):
        load_framework(str(tmp_path / "none.yaml"))
