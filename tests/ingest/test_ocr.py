"""Scanned PDFs: a real scan made here (a report page drawn, rendered to an image, the image
wrapped as a PDF with no text layer), read through OCRmyPDF and Tesseract when installed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from qmark.ingest import IngestError, ocr, read_report
from qmark.inspect import describe

PARAGRAPHS = [
    "1.1 The partnership commissioned this review after Child S was taken to hospital with a head injury in March 2022.",
    "1.2 The health visitor saw the family four times and recorded that the home was warm and the baby was thriving.",
    "1.3 Nobody asked who else lived in the flat, because the records said that nobody else did.",
]


def scanned_pdf(tmp_path: Path) -> Path:
    """A one-page report, printed and scanned: an image of the page in a PDF, no text layer."""
    import pypdfium2 as pdfium

    typed = tmp_path / "typed.pdf"
    c = canvas.Canvas(str(typed), pagesize=A4)
    y = A4[1] - 90
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, y, "1. Introduction")
    c.setFont("Helvetica", 12)
    for para in PARAGRAPHS:
        y -= 12
        for line in simpleSplit(para, "Helvetica", 12, A4[0] - 144):
            y -= 16
            c.drawString(72, y, line)
    c.save()
    pdf = pdfium.PdfDocument(str(typed))
    image = pdf[0].render(scale=200 / 72).to_pil().convert("L")  # a 200 dpi greyscale scan
    pdf.close()
    scan = tmp_path / "scanned.pdf"
    image.save(scan, "PDF", resolution=200)
    return scan


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
    report = read_report(scan)
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
