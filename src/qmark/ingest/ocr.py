"""OCR for scanned PDFs, with the optional extra `qmark[ocr]`: OCRmyPDF adds a text layer using
Debian's Tesseract, and the PDF reader then reads that layer like any other.

Tesseract gives each word a confidence (0-100). OCRmyPDF keeps Tesseract's hOCR output among
its temporary files; the mean word confidence of each page is read from there, so that the
assessor is told how far to trust quotes from each page.
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from qmark.ingest.errors import IngestError

MAX_OCR_PAGES = 300  # a scanned review longer than this is refused rather than read for hours
HOW = "install the OCR extra (pip install 'qmark[ocr]') and Tesseract (apt-get install tesseract-ocr) to have qmark read it"
_WCONF = re.compile(r"x_wconf (\d{1,3})")
_LOCK = threading.Lock()  # OCRmyPDF's temporary folder is found through tempfile's global setting


def missing() -> str | None:
    """Why OCR cannot run here, or None when it can."""
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        return HOW
    if shutil.which("tesseract") is None:
        return "needs Tesseract for OCR: apt-get install tesseract-ocr (or your system's package)"
    return None


def ocr_pdf(path: Path, pages: int, work: Path) -> tuple[Path, list[float | None]]:
    """A copy of the PDF with an OCR text layer, in work, and each page's mean word confidence
    (None for a page where Tesseract found no words)."""
    import ocrmypdf

    if pages > MAX_OCR_PAGES:
        raise IngestError(str(path), f"is a scan of {pages:,} pages, over the {MAX_OCR_PAGES}-page limit for OCR")
    out = work / "ocr.pdf"
    # OCRmyPDF's own warnings would break the one-line error and could quote the report
    logging.getLogger("ocrmypdf").setLevel(logging.ERROR)
    with _LOCK:
        saved = tempfile.tempdir
        tempfile.tempdir = str(work)
        # OCRmyPDF's last check (pikepdf's check_linearization, which fails on the unlinearized
        # file it writes) leaves sys.stderr swapped for a StringIO: every later error line,
        # the one-line message included, would vanish. Put the process's streams back.
        streams = sys.stdout, sys.stderr
        try:
            ocrmypdf.ocr(
                path,
                out,
                language=["eng"],
                output_type="pdf",  # no PDF/A conversion: Ghostscript is not needed
                force_ocr=True,  # a typed footer on a scanned page must not stop the page being read
                optimize=0,
                jobs=1,
                progress_bar=False,
                keep_temporary_files=True,
            )
        except ocrmypdf.exceptions.ExitCodeException as exc:
            raise IngestError(str(path), f"could not be read by OCR ({type(exc).__name__})") from None
        finally:
            tempfile.tempdir = saved
            sys.stdout, sys.stderr = streams
    return out, _confidences(work, pages)


def _confidences(work: Path, pages: int) -> list[float | None]:
    found: list[float | None] = [None] * pages
    for hocr in work.glob("ocrmypdf.io.*/*_ocr_hocr.hocr"):
        m = re.match(r"(\d+)_", hocr.name)
        if not m or not 1 <= int(m.group(1)) <= pages:
            continue
        words = [int(c) for c in _WCONF.findall(hocr.read_text(encoding="utf-8", errors="replace"))]
        if words:
            found[int(m.group(1)) - 1] = round(sum(words) / len(words), 1)
    return found


def describe(confidences: list[float | None]) -> str:
    """'p. 1 93%, p. 2 88%' for the notes and `qmark inspect`."""
    return ", ".join(f"p. {n} {c:.0f}%" if c is not None else f"p. {n} no words" for n, c in enumerate(confidences, start=1))
