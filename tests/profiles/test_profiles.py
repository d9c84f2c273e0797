"""Profiles: a marker is a folder of data run by the one engine; the hash covers everything loaded."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from qmark.cli import main, sample_path
from qmark.data import DataFileError
from qmark.engine import Engine
from qmark.profile import installed, load_profile

SRC = Path(__file__).resolve().parents[2] / "src" / "qmark"

TINY_FRAMEWORK = {
    "id": "tiny-marker",
    "version": "0.1",
    "title": "Tiny",
    "quality_statement": "Reviews explain why practice happened.",
    "rationale": "A two-question test marker.",
    "questions": [
        {
            "id": "why",
            "short": "Explains why",
            "text": "Does the review explain why professionals acted as they did?",
            "look_in": ["analysis", "findings"],
            "supports": [{"signal": "explanation_systemic"}],
            "against": [{"signal": "explanation_individual"}],
            "evidence_means": "Explanations of practice.",
            "not_found": "No explanations were found.",
        },
        {
            "id": "who",
            "short": "Heard practitioners",
            "text": "Did the reviewer hear from practitioners directly?",
            "look_in": ["method"],
            "supports": [{"signal": "practitioner_involvement"}],
            "evidence_means": "Practitioners took part.",
            "not_found": "No practitioner involvement found.",
        },
    ],
}


def make_tiny(folder: Path) -> Path:
    """A third profile built from data alone, reusing the analysis profile's knowledge base."""
    base = load_profile("analysis").folder
    folder.mkdir(parents=True)
    for name in ("knowledge_base.yaml", "currency.yaml", "words.yaml", "thresholds.yaml"):
        shutil.copy(base / name, folder / name)
    (folder / "framework.yaml").write_text(yaml.safe_dump(TINY_FRAMEWORK), encoding="utf-8")
    guidance = yaml.safe_load((base / "guidance.yaml").read_text(encoding="utf-8"))
    g0 = guidance["questions"][0]
    guidance["questions"] = [{**g0, "id": "why", "title": "Why"}, {**g0, "id": "who", "title": "Who"}]
    (folder / "guidance.yaml").write_text(yaml.safe_dump(guidance), encoding="utf-8")
    thresholds = yaml.safe_load((folder / "thresholds.yaml").read_text(encoding="utf-8"))
    thresholds["questions"], thresholds["question_accuracy"] = {}, {}
    (folder / "thresholds.yaml").write_text(yaml.safe_dump(thresholds), encoding="utf-8")
    (folder / "profile.yaml").write_text("id: tiny\nversion: '0.1'\ntitle: A tiny test marker\n", encoding="utf-8")
    return folder


def test_a_third_profile_from_data_alone_assesses_a_document(tmp_path):
    folder = make_tiny(tmp_path / "tiny")
    out = tmp_path / "out.json"
    assert main(["assess", str(sample_path()), "--profile", str(folder), "--json", str(out), "-q"]) == 0
    data = json.loads(out.read_text())
    assert data["profile"]["id"] == "tiny"
    assert [q["question"] for q in data["questions"]] == ["why", "who"]
    why, who = data["questions"]
    assert why["rating"] in ("met", "partly_met") and why["evidence"], why["rationale"]
    assert why["number"] == 1 and who["number"] == 2
    assert who["evidence"] and who["evidence"][0]["location"]["section_role"] == "method"


def test_installed_profiles_include_the_two_markers(capsys):
    ids = [load_profile(f).id for f in installed()]
    assert {"analysis", "sar-analysis"} <= set(ids)
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    assert "sar-analysis" in out and "8 questions" in out and "11 questions" in out


def test_sar_profile_gives_the_adult_markers_own_questions(tmp_path):
    report = tmp_path / "sar.md"
    report.write_text(
        "# Safeguarding Adults Review: Mr D\n\nPublished: 3 May 2022\n\n## 3. How the review was done\n\n"
        "3.1 The reviewer met the practitioners who had worked with Mr D and his sister, and read the records.\n\n"
        "3.2 Two GPs did not take part, so the findings about primary care are held with less confidence.\n\n"
        "## 4. Analysis\n\n4.1 The district nurses had forty visits a day, which left no time to ask about the state of the house.\n\n"
        "4.2 What helped was that the same social worker stayed with Mr D for two years, which allowed trust to build.\n\n"
        "4.3 Across the county, referrals about hoarding are routinely closed after one visit, as the board's audit of 60 cases showed.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    assert main(["assess", str(report), "--profile", "sar-analysis", "--json", str(out), "-q"]) == 0
    data = json.loads(out.read_text())
    assert data["profile"]["id"] == "sar-analysis"
    assert [q["question"] for q in data["questions"]] == [f"s{i}" for i in range(1, 9)]
    assert all("derived from the marker's requirements" in q["text"] for q in data["questions"])
    by = {q["question"]: q for q in data["questions"]}
    assert by["s7"]["evidence"] and by["s7"]["evidence"][0]["location"]["paragraph"] == "4.2"
    assert by["s8"]["evidence"] and by["s8"]["evidence"][0]["location"]["paragraph"] == "3.2"


def test_config_hash_changes_with_every_file_the_engine_loads(tmp_path):
    folder = make_tiny(tmp_path / "tiny")
    profile = load_profile(folder)
    base = Engine(profile).config_hash
    for role, path in profile.files.items():
        if not str(path).startswith(str(folder)):
            continue  # shared engine files are covered too, but not ours to edit in a test
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        try:
            assert Engine(profile).config_hash != base, role
        finally:
            path.write_bytes(original)
    assert Engine(profile).config_hash == base
    shared = {r for r, p in profile.files.items() if not str(p).startswith(str(folder))}
    assert {"cues", "section_roles", "abbreviations", "not_names"} <= shared
    # Thresholds given by the caller count too, as a file or as an object.
    t = tmp_path / "t.yaml"
    shutil.copy(folder / "thresholds.yaml", t)
    assert Engine(profile, thresholds=t).config_hash != base
    changed = profile.thresholds.model_copy(update={"human_read_below": 0.9})
    assert Engine(profile, thresholds=changed).config_hash != base


def test_calibrate_writes_thresholds_that_load(tmp_path):
    out = tmp_path / "fitted.yaml"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    src = Path(__file__).resolve().parents[2] / "corpus" / "dev"
    for stem in ("r05_rapid_2021", "r09_systems_2024", "r17_scr_2012_blame"):
        for f in src.glob(f"{stem}.*"):
            shutil.copy(f, corpus / f.name)
    assert main(["calibrate", str(corpus), "--out", str(out)]) == 0
    j = tmp_path / "a.json"
    assert main(["assess", str(sample_path()), "--thresholds", str(out), "--json", str(j), "-q"]) == 0
    assert json.loads(j.read_text())["config_hash"] != Engine.from_profile().config_hash


def test_check_is_clean_and_names_problems_with_ids(tmp_path, capsys):
    assert main(["check"]) == 0
    folder = make_tiny(tmp_path / "tiny")
    fw = yaml.safe_load((folder / "framework.yaml").read_text())
    fw["questions"][0]["supports"][0]["signal"] = "telepathy"
    (folder / "framework.yaml").write_text(yaml.safe_dump(fw))
    (folder / "profile.yaml").write_text("id: tiny\nversion: '0.1'\ntitle: A tiny test marker\npipeline: {scorer: oracle}\n")
    assert main(["check", "--profile", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "qmark.E002" in out and "oracle" in out
    (folder / "profile.yaml").write_text("id: tiny\nversion: '0.1'\ntitle: A tiny test marker\n")
    assert main(["check", "--profile", str(folder)]) == 1
    assert "telepathy" in capsys.readouterr().out
    # A warning alone does not fail the check.
    fw["questions"][0]["supports"][0]["signal"] = "explanation_systemic"
    (folder / "framework.yaml").write_text(yaml.safe_dump(fw))
    words = yaml.safe_load((folder / "words.yaml").read_text())
    words["flags"]["telepathic_leap"] = "Leaps of telepathy"
    (folder / "words.yaml").write_text(yaml.safe_dump(words))
    assert main(["check", "--profile", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "qmark.W002" in out and "telepathic_leap" in out and "0 error(s)" not in out


def test_a_broken_profile_is_refused_in_one_line(tmp_path):
    folder = make_tiny(tmp_path / "tiny")
    words = yaml.safe_load((folder / "words.yaml").read_text())
    words["ratings"] = {"met": {"label": "Met", "meaning": "m"}}
    (folder / "words.yaml").write_text(yaml.safe_dump(words))
    with pytest.raises(DataFileError, match=r"words.yaml: field 'ratings': missing partly_met"):
        load_profile(folder)
    r = subprocess.run(
        [sys.executable, "-m", "qmark.cli", "assess", str(sample_path()), "--profile", "nonesuch"], capture_output=True, text=True
    )
    assert r.returncode == 2 and "installed: analysis" in r.stderr and "Traceback" not in r.stderr


def _module_imports() -> dict[str, set[str]]:
    """Module-level imports between qmark's own modules (imports inside functions and
    TYPE_CHECKING blocks are deliberate, lazy, and not part of the load-time graph)."""
    graph: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        mod = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        deps: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qmark"):
                deps.add(node.module)
                deps.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("qmark"))
        graph[mod] = deps
    known = set(graph)
    return {m: {d for d in deps if d in known and d != m} for m, deps in graph.items()}


def test_no_import_cycles():
    graph = _module_imports()

    # A package's __init__ importing its own submodules is how packages work, not a cycle.
    def edges(m: str) -> set[str]:
        return {d for d in graph[m] if not d.startswith(m + ".")}

    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in edges(m):
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(d) :] + [d]))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_a_new_reader_registers_a_suffix(tmp_path, monkeypatch):
    """One call adds a format: the engine then reads and assesses files of that type."""
    from qmark.ingest import register_reader, supported
    from qmark.registry import readers

    (tmp_path / "notes_reader.py").write_text(
        "from qmark.ingest.text import read\n",  # a plain-text format under another name
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    register_reader(".notes", "notes", "notes_reader")
    try:
        assert ".notes" in supported()
        doc = tmp_path / "review.notes"
        txt = Path(__file__).resolve().parents[2] / "corpus" / "dev" / "r04_wales_cpr_2017.txt"
        doc.write_text(txt.read_text(encoding="utf-8"), encoding="utf-8")
        a = Engine.from_profile().assess(doc)
        assert a.report.documents[0].format == "notes" and sum(bool(q.evidence) for q in a.questions) >= 6
    finally:
        readers._items.pop(".notes", None)


def test_a_caption_with_an_unknown_placeholder_is_refused_in_one_line(tmp_path):
    folder = make_tiny(tmp_path / "tiny")
    words = yaml.safe_load((folder / "words.yaml").read_text())
    words["figures"]["hindsight"] = "judgements ({per_thousand} per 1,000 words)"
    (folder / "words.yaml").write_text(yaml.safe_dump(words))
    with pytest.raises(DataFileError, match=r"words.yaml: field 'figures': .*unknown or malformed placeholder"):
        load_profile(folder)


def test_thresholds_fitted_for_another_profile_are_refused():
    other = load_profile("analysis").files["thresholds"]
    with pytest.raises(DataFileError, match="the sar-analysis profile does not have"):
        Engine.from_profile("sar-analysis", thresholds=other)
