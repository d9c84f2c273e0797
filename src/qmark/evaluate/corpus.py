"""A labelled corpus: reports with NAME.gold.json beside them, and *.jsonl labelled sentences."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from qmark.assess.records import Rating
from qmark.ingest import supported
from qmark.signals import PUBLIC_LABELS


class GoldQuestion(BaseModel):
    rating: Rating
    evidence: list[str] = []
    rationale: str = ""


class Settlement(BaseModel):
    question: str
    writer: str
    reader: str
    final: str
    why: str = ""


class Gold(BaseModel):
    report: str
    questions: dict[str, GoldQuestion]
    documents: list[str] = Field(default_factory=list, description="Optional: the report then its working documents, by file name")
    profile: str = Field("analysis", description="The profile the ratings are for")
    writer: str = Field("", description="Who wrote the report: folds are grouped by writer")
    family: str = Field("", description="Reports of the same case in different words share a family")
    variant: str = ""
    reader: str = Field("", description="Who gave the gold, reading the report cold")
    blind: dict[str, Rating] = Field(default_factory=dict, description="The reader's ratings before seeing the writer's")
    intended: dict[str, Rating] = Field(default_factory=dict, description="The ratings the writer meant the report to deserve")
    settled: list[Settlement] = []

    @property
    def group(self) -> str:
        """The fold group: writer (all of a writer's families leave together), else the report."""
        return self.writer or self.family or self.report


class LabelledSentence(BaseModel):
    text: str = Field(min_length=1)
    labels: list[str]
    hard: str | None = Field(None, description="The kind of hard case, when the sentence is one")
    group: str = ""  # the writer of the report it comes from (set on load), for grouped folds


@dataclass
class LabelledReport:
    name: str
    path: Path
    working: list[Path]
    gold: Gold


class CorpusError(Exception):
    """The corpus folder is not usable; str() names the file and the problem."""


def _find_report(folder: Path, stem: str) -> Path | None:
    for suffix in supported():
        p = folder / f"{stem}{suffix}"
        if p.exists():
            return p
    return None


def load_reports(folder: Path, profile: str | None = None) -> list[LabelledReport]:
    """Every labelled report under folder (subfolders included); only those labelled for the
    given profile id when one is given."""
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder")
    out: list[LabelledReport] = []
    for gold_path in sorted(folder.rglob("*.gold.json")):
        folder_of = gold_path.parent
        try:
            gold = Gold.model_validate(json.loads(gold_path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{gold_path}: not valid JSON (line {exc.lineno})") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            raise CorpusError(f"{gold_path}: field '{'.'.join(map(str, first['loc']))}': {first['msg']}") from None
        if profile is not None and gold.profile != profile:
            continue
        stem = gold_path.name[: -len(".gold.json")]
        if gold.documents:
            paths = [folder_of / d for d in gold.documents]
            missing = [p for p in paths if not p.exists()]
            if missing:
                raise CorpusError(f"{gold_path}: document {missing[0].name} not found beside it")
            out.append(LabelledReport(stem, paths[0], paths[1:], gold))
            continue
        report = _find_report(folder_of, stem)
        if report is None:
            raise CorpusError(f"{gold_path}: no report named {stem} with a supported extension beside it")
        out.append(LabelledReport(stem, report, [], gold))
    if not out:
        which = f" for profile '{profile}'" if profile else ""
        raise CorpusError(f"{folder}: no *.gold.json files found{which} (see corpus/README.md for the format)")
    return out


def read_sentence_file(path: Path) -> list[LabelledSentence]:
    """One *.jsonl file of labelled sentences, validated line by line."""
    out: list[LabelledSentence] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            s = LabelledSentence.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError):
            raise CorpusError(f'{path}: line {n} is not a labelled sentence ({{"text": ..., "labels": [...]}})') from None
        unknown = [label for label in s.labels if label not in PUBLIC_LABELS]
        if unknown:
            raise CorpusError(f"{path}: line {n}: unknown label '{unknown[0]}'; labels are {', '.join(PUBLIC_LABELS)}")
        out.append(s)
    return out


def load_sentences(folder: Path) -> list[LabelledSentence]:
    """Every labelled sentence under folder, each with the fold group (writer) of its report."""
    out = []
    for path in sentence_files(folder):
        group = _sentence_group(path)
        for s in read_sentence_file(path):
            s.group = group
            out.append(s)
    return out


def _sentence_group(path: Path) -> str:
    """NAME.sentences*.jsonl belongs to NAME's report: its gold file's writer, else its folder."""
    gold = path.parent / f"{path.name.split('.')[0]}.gold.json"
    try:
        return Gold.model_validate_json(gold.read_text(encoding="utf-8")).group
    except (OSError, ValidationError):
        return path.parent.name


def sentence_files(folder: Path) -> list[Path]:
    """Labelled sentence files under folder; a labeller's work files (.todo, .labels) are not."""
    return [p for p in sorted(folder.rglob("*.jsonl")) if not (p.name.endswith(".todo.jsonl") or ".labels" in p.name)]
