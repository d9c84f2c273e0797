"""Writing output files: atomically (a reader never sees half a file, an interrupted run never
leaves one), and under names that stay distinct when several inputs share a name."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`. The file gets the
    permissions an ordinary write would give it (the old file's, or the umask's)."""
    p = Path(path)
    try:
        mode = p.stat().st_mode & 0o777
    except OSError:
        mode = 0o666 & ~_UMASK
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def distinct_stems(paths: Sequence[str | Path]) -> list[str]:
    """A file stem for each input that no other input shares: the stem alone where it is unique,
    else prefixed with as many parent folders as tell the inputs apart ('a-report', 'b-report'),
    else with the suffix kept ('report-pdf', 'report-docx'), else numbered."""
    ps = [Path(p) for p in paths]
    names = [p.stem for p in ps]
    for depth in range(1, 1 + max((len(p.parts) for p in ps), default=1)):
        counts = Counter(n.lower() for n in names)
        if all(counts[n.lower()] == 1 for n in names):
            return names
        names = [
            "-".join([*p.parent.parts[-depth:], p.stem]).lstrip("/-") if counts[n.lower()] > 1 else n
            for p, n in zip(ps, names, strict=True)
        ]
    counts = Counter(n.lower() for n in names)
    names = [f"{n}-{p.suffix.lstrip('.')}" if counts[n.lower()] > 1 and p.suffix else n for p, n in zip(ps, names, strict=True)]
    seen: Counter[str] = Counter()
    out = []
    for n in names:
        seen[n.lower()] += 1
        out.append(n if seen[n.lower()] == 1 else f"{n}-{seen[n.lower()]}")
    return out


__all__ = ["atomic_write_bytes", "atomic_write_text", "distinct_stems"]
