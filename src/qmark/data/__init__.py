"""Data files that experts may want to change live here, validated where they are loaded."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class DataFileError(Exception):
    """A data file failed validation. str() names the file, the field and the problem."""


def load_once(load: Callable[[str], T], path: str | Path, what: str) -> T:
    """load(path), kept for as long as the file is unchanged: a model file is read once per
    process, and again only after it is rewritten (say by `qmark train`)."""
    p = Path(path)
    try:
        stamp = p.stat().st_mtime
    except OSError:
        raise DataFileError(f"{p}: {what} file not found") from None
    return _loaded(load, str(p), stamp)  # type: ignore[no-any-return]


@lru_cache(maxsize=8)
def _loaded(load: Callable[[str], Any], path: str, stamp: float) -> Any:
    return load(path)


def data_path(name: str) -> Path:
    from importlib import resources  # here: `qmark --version` need not import it

    return Path(str(resources.files("qmark.data").joinpath(name)))


def _safe_loader() -> Any:
    import yaml  # here, not at the top: `qmark --version` and the like never read YAML

    # libyaml's parser is ten times faster than the pure-Python one and builds the same data
    # (the constructor is the same SafeConstructor); wheels without libyaml fall back.
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(name_or_path: str | Path) -> Any:
    import yaml

    path = Path(name_or_path)
    if not path.is_absolute() and not path.exists():
        path = data_path(str(name_or_path))
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_safe_loader())  # noqa: S506 - a safe loader
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise DataFileError(f"{path}: not valid YAML{where}") from None


def validation_message(path: str | Path, exc: Exception) -> str:
    """One line from a pydantic ValidationError: file, field path, problem."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        loc = ".".join(str(x) for x in first.get("loc", ())) or "(top level)"
        extra = f" (and {len(errors()) - 1} more problems)" if len(errors()) > 1 else ""
        return f"{path}: field '{loc}': {first.get('msg', 'invalid')}{extra}"
    return f"{path}: {exc}"
