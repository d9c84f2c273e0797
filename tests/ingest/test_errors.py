"""Files qmark cannot read give one line saying what is wrong and what to do."""

from __future__ import annotations

import zipfile

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from qmark.ingest import IngestError, ocr, read_report

# Where the OCR extra is not installed, a scan is refused with this reason (with the extra it
# is read: tests/ingest/test_ocr.py).
SCAN_WITHOUT_OCR = f"has no text layer: it looks scanned and needs OCR before qmark can read it; {ocr.HOW}"


def reason_for(path) -> str:
    with pytest.raises(IngestError) as err:
        read_report(path)
    assert str(err.value).startswith(str(path))
    assert "\n" not in str(err.value)
    return err.value.reason


def test_truncated_pdf(review_pdf, tmp_path):
    data = review_pdf.read_bytes()
    for n, cut in enumerate((len(data) // 2, len(data) - 200)):
        path = tmp_path / f"truncated{n}.pdf"
        path.write_bytes(data[:cut])
        assert reason_for(path) == "is not a valid PDF or is damaged"


def test_not_a_pdf(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("These are my notes about the review, saved with the wrong name.")
    assert reason_for(path) == "is not a valid PDF or is damaged"


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", "owner"))
    c.drawString(72, 700, "1.1 The review was commissioned by the partnership.")
    c.save()
    assert reason_for(path) == "is password-protected; remove the password and try again"


def test_pdf_with_only_an_owner_password_is_read(tmp_path):
    path = tmp_path / "owner-only.pdf"
    c = canvas.Canvas(str(path), encrypt=StandardEncryption("", "owner"))
    c.drawString(72, 700, "1.1 The review was commissioned by the partnership after the incident.")
    c.save()
    assert "1.1" in [p.number for p in read_report(path).paragraphs]


def test_image_only_pdf(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "missing", lambda: ocr.HOW)
    path = tmp_path / "scanned.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(3):
        c.rect(72, 72, 400, 600, fill=1)
        c.circle(300, 500, 60)
        c.showPage()
    c.save()
    assert reason_for(path) == SCAN_WITHOUT_OCR


def test_corrupt_docx(review_docx, tmp_path):
    data = review_docx.read_bytes()
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(data[: len(data) // 2])
    assert reason_for(truncated) == "is not a valid Word document or is damaged"
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"PK\x03\x04 this is not really a zip file" * 20)
    assert reason_for(junk) == "is not a valid Word document or is damaged"
    other_zip = tmp_path / "other.docx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("readme.txt", "not a Word document")
    assert reason_for(other_zip) == "is not a valid Word document or is damaged"


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_password_protected_docx(tmp_path):
    # Word writes an encrypted .docx as an OLE compound file with these streams
    path = tmp_path / "locked.docx"
    streams = "".join(f"{name}\0" for name in ("EncryptionInfo", "EncryptedPackage")).encode("utf-16-le")
    path.write_bytes(OLE + b"\x00" * 1016 + streams + b"\x00" * 2048)
    assert reason_for(path) == "is password-protected; remove the password and try again"


def test_old_doc_renamed_to_docx(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(OLE + b"\x00" * 1016 + "WordDocument".encode("utf-16-le") + b"\x00" * 2048)
    assert reason_for(path).startswith("is an old Word .doc file renamed to .docx")


def test_binary_junk_as_txt(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(bytes(range(256)) * 20)
    assert reason_for(path) == "looks like a binary file, not text"


def test_empty_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert reason_for(path) == "the file is empty"


def test_unsupported_extension(tmp_path):
    path = tmp_path / "review.rtf"
    path.write_text("{\\rtf1 hello}")
    assert reason_for(path).startswith("unsupported file type '.rtf'")


def test_missing_file(tmp_path):
    assert reason_for(tmp_path / "nowhere.pdf") == "file not found"


def test_html_with_no_text(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title><script>var a = 1;</script></head><body></body></html>")
    assert reason_for(path) == "contains no readable text"


def test_scan_with_a_typed_footer_is_still_a_scan(make_pdf, monkeypatch):
    monkeypatch.setattr(ocr, "missing", lambda: ocr.HOW)

    def build(layout):
        for _ in range(3):
            layout.pages[-1].ops.append(("text", 72, 400, "", "Helvetica", 10))
            layout.page_break()

    path = make_pdf("stamped.pdf", build, header="Kestrel Vale LSCB Serious Case Review: Child U", footer="Page {n} of {total}")
    assert reason_for(path) == SCAN_WITHOUT_OCR


@pytest.mark.parametrize(
    "name",
    ["two\nlines.txt", "esc\x1b[31mred\x1b[0m.txt", "back\rspace.txt", "sep\u2028line.txt", "bidi\u202etxt.exe.txt", "tab\there.xyz\nz"],
)
def test_file_names_with_control_characters_stay_on_one_line(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")  # empty, or an unsupported type: either way refused
    with pytest.raises(IngestError) as err:
        read_report(path)
    message = str(err.value)
    assert message.isprintable(), repr(message)
    assert "\n" not in message and "\x1b" not in message and "\r" not in message
    assert err.value.path == str(path)  # the real name is kept for the caller


def test_escaped_names_are_readable(tmp_path):
    from qmark.ingest.errors import one_line

    assert one_line("a\nb\x1b[0m\u2028c\\d é") == "a\\nb\\x1b[0m\\u2028c\\d é"


def test_cli_error_for_a_hostile_name_is_one_line(tmp_path, capsys):
    from qmark.cli import main

    path = tmp_path / "report\n\x1b[2Jfake.md"
    path.write_text("")
    assert main(["assess", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err and "\\n\\x1b[2Jfake.md: the file is empty" in err
