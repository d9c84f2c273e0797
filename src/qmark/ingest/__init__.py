"""Ingestion: files in, one Report out. One reader per format, all producing Blocks."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qmark.ingest.blocks import ReadResult
from qmark.ingest.builder import Source, build
from qmark.ingest.errors import IngestError
from qmark.registry import readers
from qmark.report import Report

DEFAULT_MAX_MB = 100

Reader = Callable[[Path], ReadResult]


@dataclass(frozen=True)
class ReaderSpec:
    """A registered reader: the format's name and the module whose read(path) -> ReadResult
    reads it. The module is imported on first use, so one format's parser is loaded only when a
    file of that format is read."""

    format: str
    module: str

    def read(self, path: Path) -> ReadResult:
        reader: Reader = importlib.import_module(self.module).read
        return reader(path)


def register_reader(suffix: str, format: str, module: str) -> None:
    """Read files ending in suffix ('.odt') with module's read(path) function."""
    readers.register(suffix.lower(), ReaderSpec(format, module))


for _suffix, (_fmt, _mod) in {
    ".pdf": ("pdf", "pdf"),
    ".docx": ("docx", "docx"),
    ".html": ("html", "html"),
    ".htm": ("html", "html"),
    ".md": ("md", "markdown"),
    ".markdown": ("md", "markdown"),
    ".txt": ("txt", "text"),
    ".text": ("txt", "text"),
}.items():
    register_reader(_suffix, _fmt, f"qmark.ingest.{_mod}")


def supported() -> tuple[str, ...]:
    """The file suffixes some registered reader reads."""
    return tuple(readers.names())


SUPPORTED = supported()  # the built-in ones, for places that need a constant (upload accept lists)


def read_one(path: str | Path, *, is_main: bool = True, max_mb: float = DEFAULT_MAX_MB) -> tuple[Source, ReadResult]:
    """Read one file into blocks, or raise IngestError with a one-line reason."""
    p = Path(path)
    shown = str(path)
    if not p.exists():
        raise IngestError(shown, "file not found")
    if p.is_dir():
        raise IngestError(shown, "is a folder, not a document")
    suffix = p.suffix.lower()
    if suffix == ".doc":
        raise IngestError(shown, "old Word .doc files are not supported; save it as .docx or PDF and try again")
    if suffix not in readers:
        raise IngestError(shown, f"unsupported file type '{suffix or '(none)'}'; qmark reads {', '.join(supported())}")
    size = p.stat().st_size
    if size == 0:
        raise IngestError(shown, "the file is empty")
    if size > max_mb * 1024 * 1024:
        raise IngestError(shown, f"the file is {size / 1048576:.0f} MB, over the {max_mb:g} MB limit (raise it with --max-mb)")
    spec: ReaderSpec = readers.get(suffix)
    fmt, reader = spec.format, spec.read
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    try:
        result = reader(p)
    except IngestError as exc:
        raise IngestError(shown, exc.reason) from None
    except MemoryError:
        raise IngestError(shown, "too large to read in the memory available") from None
    except Exception as exc:  # a parser's own failure on a damaged file
        raise IngestError(shown, f"could not be read as {fmt.upper()} ({type(exc).__name__}); the file may be damaged") from None
    if not any(b.text.strip() and b.kind != "heading" for b in result.blocks):
        raise IngestError(shown, "contains no readable text")
    return Source(p.stem, str(p), fmt, digest, is_main), result


def read_report(path: str | Path, working: list[str | Path] | None = None, *, max_mb: float = DEFAULT_MAX_MB) -> Report:
    """One review: the report itself plus any working documents, as one Report.

    A failure in the main report raises IngestError; the caller decides what to do with it.
    Working documents are read with the same rules.
    """
    inputs = [read_one(path, is_main=True, max_mb=max_mb)]
    for w in working or []:
        inputs.append(read_one(w, is_main=False, max_mb=max_mb))
    return build(inputs)


def read_text(text: str, name: str = "text", fmt: str = "md") -> Report:
    """A Report from a string (tests, the web app's pasted text)."""
    from qmark.ingest import markdown
    from qmark.ingest import text as plain

    reader = markdown.parse if fmt == "md" else plain.parse
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return build([(Source(name, name, fmt, digest, True), reader(text))])


__all__ = ["IngestError", "ReaderSpec", "read_one", "read_report", "read_text", "register_reader", "supported", "SUPPORTED"]
