"""JSON output. The schema is the Assessment model's own (see docs/schema.md)."""

from __future__ import annotations

import json
from pathlib import Path

from qmark.assess.records import Assessment
from qmark.outputs import atomic_write_text


def to_json(assessment: Assessment) -> str:
    # The sentence list is there only when asked for (--annotations): absent, not null, otherwise.
    return assessment.model_dump_json(indent=2, exclude={"sentences"} if assessment.sentences is None else None)


def schema() -> dict:
    s = Assessment.model_json_schema()
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["title"] = "qmark assessment"
    # Always written, so consumers may rely on it to pick a parser.
    s["required"] = sorted(set(s.get("required", [])) | {"schema_version"})
    return s


def write(assessment: Assessment, path: str | Path) -> None:
    atomic_write_text(path, to_json(assessment))


def load(path: str | Path) -> Assessment:
    return Assessment.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
