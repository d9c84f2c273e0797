"""Scanned PDFs: a real scan made here (a report page drawn, rendered to an image, the image
wrapped as a PDF with no text layer), read through OCRmyPDF and Tesseract when installed."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from qmark.ingest import IngestError, ocr, read_report
from qmark.inspect import describe

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers import write_scan  # noqa: E402


def scanned_pdf(tmp_path: Path, footer: str = "") -> Path:
    return write_scan(tmp_path / "scanned.pdf", footer=footer)


def test_without_ocr_the_message_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "missing", lambda: ocr.HOW)
    with pytest.raises(IngestError) as err:
        read_report(scanned_pdf(tmp_path))
    message = str(err.value)
    assert "\n" not in message and "looks scanned and needs OCR" in message
    assert "pip install 'qmark[ocr]'" in message and "tesseract-ocr" in message


@pytest.mark.skipif(ocr.missing() is not None, reason="OCR extra or Tesseract not installed")
def test_a_scanned_report_is_read_by_ocr_with_page_confidence(tmp_path, capsys):
    scan = scanned_pdf(tmp_path)
    streams = sys.stdout, sys.stderr
    report = read_report(scan)
    # OCRmyPDF (through pikepdf) swaps sys.stderr for a StringIO; it must be put back, or the
    # next one-line error is lost
    assert (sys.stdout, sys.stderr) == streams
    numbers = {p.number: report.paragraph_text(p) for p in report.paragraphs if p.number}
    assert list(numbers) == ["1.1", "1.2", "1.3"]
    assert "Nobody asked who else lived in the flat" in numbers["1.3"]
    heading = [report.paragraph_text(p) for p in report.paragraphs if p.kind == "heading"]
    assert heading == ["1. Introduction"]
    confidence = report.documents[0].ocr
    assert confidence is not None and len(confidence) == 1 and confidence[0] is not None and confidence[0] > 70
    reading = describe(report)
    assert reading["documents"][0]["ocr_confidence"] == list(confidence)
    # the assessment's notes say the report was read by OCR, with each page's confidence
    from qmark.engine import Engine

    assessment = Engine.from_profile("analysis").assess(str(scan))
    assert any("read by OCR" in note and "p. 1 " in note for note in assessment.report.notes)
    # nothing of OCRmyPDF's temporary work is left behind
    assert not list(tmp_path.glob("**/ocrmypdf.io.*"))
    assert shutil.which("tesseract")


def test_a_scan_with_a_typed_footer(tmp_path, monkeypatch):
    """A page number typed onto the scan gives the PDF a little text: it is still a scan, and
    with OCR its whole page is read, not just the typed footer."""
    scan = scanned_pdf(tmp_path, footer="Page 1 of 1")
    if ocr.missing() is None:
        report = read_report(scan)
        numbers = {p.number: report.paragraph_text(p) for p in report.paragraphs if p.number}
        assert list(numbers) == ["1.1", "1.2", "1.3"]
        assert "Nobody asked who else lived in the flat" in numbers["1.3"]
        assert report.documents[0].ocr is not None
    monkeypatch.setattr(ocr, "missing", lambda: ocr.HOW)
    with pytest.raises(IngestError) as err:
        read_report(scan)
    assert "looks scanned and needs OCR" in str(err.value) and "pip install 'qmark[ocr]'" in str(err.value)
