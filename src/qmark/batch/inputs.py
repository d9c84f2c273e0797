"""What a batch assesses: reports from folders, globs, files or CSV manifests, each with an id
that is stable from run to run (so a stopped batch can carry on) and distinct from every other."""

from __future__ import annotations

import csv
import glob
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from qmark.ingest import supported
from qmark.ingest.errors import one_line

# Manifest columns, by the names people use for them.
COLUMNS = {
    "report": ("report", "file", "path", "report_file"),
    "working": ("working", "working_documents", "working_docs", "with"),
    "id": ("id", "review_id", "review", "reference"),
    "date": ("date", "report_date"),
    "type": ("type", "review_type", "kind"),
}
_SAFE = re.compile(r"[^\w.-]+")


class BatchError(Exception):
    """A problem with the batch as a whole (its inputs, its output folder); str() is one line."""


@dataclass
class Item:
    """One review to assess. `report` and `working` are paths as the user gave them (so messages
    name files as they know them); `id` names the outputs."""

    id: str
    report: str
    working: list[str] = field(default_factory=list)
    review_id: str = ""
    report_date: date | None = None
    type: str = ""

    @property
    def files(self) -> list[str]:
        return [self.report, *self.working]

    @property
    def stem(self) -> str:
        """The id as a relative file path without suffix: safe characters, no '..'."""
        parts = [_SAFE.sub("_", p).strip("._") or "_" for p in self.id.replace("\\", "/").split("/") if p not in ("", ".", "..")]
        return "/".join(parts) or "_"


def fingerprint(item: Item) -> str | None:
    """The assessment's fingerprint (sha256 over each document's sha256, in order), computed
    without reading the documents as reports; None when a file cannot be opened (the assessment
    will then fail with the reader's own one-line reason)."""
    sums = []
    for f in item.files:
        h = hashlib.sha256()
        try:
            with open(f, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
        except OSError:
            return None
        sums.append(h.hexdigest())
    return hashlib.sha256("".join(sums).encode()).hexdigest()


def _column(header: list[str], name: str) -> int | None:
    wanted = COLUMNS[name]
    for i, h in enumerate(header):
        if h.strip().lower().replace(" ", "_").replace("-", "_") in wanted:
            return i
    return None


def read_manifest(path: Path) -> list[Item]:
    """Rows of a CSV manifest: report, working documents (separated by ';'), id, date, type.
    Paths are relative to the manifest's folder."""
    shown = one_line(str(path))
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except UnicodeDecodeError:
        raise BatchError(f"{shown}: the manifest is not UTF-8 text") from None
    except csv.Error as exc:
        raise BatchError(f"{shown}: not a readable CSV file ({exc})") from None
    if not rows:
        raise BatchError(f"{shown}: the manifest is empty")
    header = rows[0]
    col = {name: _column(header, name) for name in COLUMNS}
    if col["report"] is None:
        raise BatchError(f"{shown}: the manifest has no 'report' column (its columns: {', '.join(h.strip() for h in header) or 'none'})")
    base = path.parent
    items: list[Item] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue

        def cell(name: str, row: list[str] = row) -> str:
            i = col[name]
            return row[i].strip() if i is not None and i < len(row) else ""

        report = cell("report")
        if not report:
            raise BatchError(f"{shown}, line {n}: no report file")
        when = None
        if cell("date"):
            try:
                when = date.fromisoformat(cell("date"))
            except ValueError:
                raise BatchError(f"{shown}, line {n}: '{one_line(cell('date'))}' is not a date in the form YYYY-MM-DD") from None
        review_id = cell("id")
        if review_id in seen:
            raise BatchError(f"{shown}, line {n}: review id '{one_line(review_id)}' is already used on line {seen[review_id]}")
        if review_id:
            seen[review_id] = n
        working = [str(base / w.strip()) for w in cell("working").split(";") if w.strip()]
        items.append(
            Item(id=review_id, report=str(base / report), working=working, review_id=review_id, report_date=when, type=cell("type").lower())
        )
    return items


def _is_report(p: Path, suffixes: tuple[str, ...]) -> bool:
    return p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(".")


def collect(inputs: list[str], *, exclude: Path | None = None) -> list[Item]:
    """Every review named by the inputs (folders, searched recursively; globs; report files; CSV
    manifests), the same file once only, each with a distinct id."""
    suffixes = supported()
    items: list[Item] = []
    excluded = exclude.resolve() if exclude else None

    def wanted(p: Path) -> bool:
        if excluded is None:
            return True
        r = p.resolve()
        return r != excluded and excluded not in r.parents

    for arg in inputs:
        p = Path(arg)
        if p.is_dir():
            found = sorted(
                (f for f in p.rglob("*") if _is_report(f, suffixes) and not any(part.startswith(".") for part in f.relative_to(p).parts)),
                key=lambda f: f.as_posix(),
            )
            items.extend(Item(id="", report=str(f)) for f in found if wanted(f))
        elif p.suffix.lower() == ".csv" and p.is_file():
            items.extend(read_manifest(p))
        elif p.exists():
            items.append(Item(id="", report=str(p)))
        elif glob.has_magic(arg):
            matches = sorted(Path(m) for m in glob.glob(arg, recursive=True))
            files = [m for m in matches if _is_report(m, suffixes) and wanted(m)]
            if not files:
                raise BatchError(f"no report files match '{one_line(arg)}'")
            items.extend(Item(id="", report=str(m)) for m in files)
        else:
            raise BatchError(f"{one_line(arg)}: no such file or folder")
    # The same file named twice (a folder and a glob, say) is assessed once.
    unique: dict[object, Item] = {}
    for it in items:
        key = (Path(it.report).resolve(), tuple(Path(w).resolve() for w in it.working), it.id)
        unique.setdefault(key, it)
    items = list(unique.values())
    if not items:
        raise BatchError(f"no reports found in {', '.join(one_line(a) for a in inputs)} (qmark reads {', '.join(suffixes)})")
    _name(items)
    return items


def _name(items: list[Item]) -> None:
    """Ids for items without one: the report's path below the folder all reports share, without
    its suffix (with it where two reports differ only by suffix)."""
    unnamed = [it for it in items if not it.id]
    if unnamed:
        parents = [Path(it.report).resolve().parent for it in unnamed]
        root = Path(_common(parents))
        rel = [Path(it.report).resolve().relative_to(root) for it in unnamed]
        ids = [r.with_suffix("").as_posix() for r in rel]
        counts = Counter(i.lower() for i in ids)
        for it, r, i in zip(unnamed, rel, ids, strict=True):
            it.id = r.as_posix() if counts[i.lower()] > 1 else i
    counts = Counter(it.stem.lower() for it in items)
    clash = [it for it in items if counts[it.stem.lower()] > 1]
    if clash:
        raise BatchError(
            f"two reviews would share the output name '{clash[0].stem}' (ids '{clash[0].id}' and '{clash[1].id}'); give them distinct ids in a manifest"
        )


def _common(paths: list[Path]) -> str:
    import os

    try:
        return os.path.commonpath([str(p) for p in paths])
    except ValueError:  # different drives (Windows)
        return str(paths[0].anchor)


__all__ = ["BatchError", "Item", "collect", "fingerprint", "read_manifest"]
