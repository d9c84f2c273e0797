"""The command line: success, and every kind of bad input gets one line, exit 2, no traceback."""

import json
import subprocess
import sys

import pytest

from helpers import write_pdf, write_scan
from qmark.cli import main, sample_path
from qmark.ingest import ocr

# The entry point as run where the OCR extra is not installed: OCRmyPDF cannot be imported.
WITHOUT_OCR = "import sys; sys.modules['ocrmypdf'] = None; from qmark.cli import main; sys.exit(main(sys.argv[1:]))"


def run(*args, without_ocr: bool = False):
    """The real entry point in a child process, as a user runs it."""
    entry = ["-c", WITHOUT_OCR] if without_ocr else ["-m", "qmark.cli"]
    return subprocess.run([sys.executable, *entry, *args], capture_output=True, text=True, timeout=120)


def test_assess_writes_json_and_html(tmp_path):
    out_j, out_h = tmp_path / "r.json", tmp_path / "r.html"
    r = run("assess", str(sample_path()), "--json", str(out_j), "--html", str(out_h))
    assert r.returncode == 0, r.stderr
    assert "q11" in r.stdout and "Suggested" in r.stdout
    assert json.loads(out_j.read_text())["report"]["title"].startswith("Local Child Safeguarding Practice Review")
    assert out_h.read_text().startswith("<!DOCTYPE html>")


def test_demo(tmp_path):
    r = subprocess.run([sys.executable, "-m", "qmark.cli", "demo"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "qmark-demo.html").exists()
    assert "Child M" in r.stdout


def _encrypted_pdf(path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(72, 720, "4.1 The health visitor visited the family.")
    c.save()


def _scanned_pdf(path, pages=3):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for _ in range(pages):
        c.rect(72, 72, 400, 600, fill=1)
        c.showPage()
    c.save()


BAD = {
    "missing": (lambda p: None, "missing.pdf", "file not found"),
    "unsupported": (lambda p: p.write_text("x"), "report.xls", "unsupported file type '.xls'"),
    "old word": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0junk"), "report.doc", "old Word .doc"),
    "empty": (lambda p: p.write_bytes(b""), "empty.pdf", "the file is empty"),
    "truncated pdf": (lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog"), "cut.pdf", "not a valid PDF"),
    "encrypted pdf": (_encrypted_pdf, "locked.pdf", "password-protected"),
    "scanned pdf": (_scanned_pdf, "scan.pdf", "needs OCR before qmark can read it; install the OCR extra"),
    "corrupt docx": (lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "bad.docx", "not a valid Word document"),
    "binary as text": (lambda p: p.write_bytes(b"\x00\x01\x02" * 100), "junk.txt", "binary"),
    "blank text": (lambda p: p.write_text("   \n\n  \n"), "blank.txt", "no readable text"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_one_line_exit_2(tmp_path, case):
    make, name, words = BAD[case]
    path = tmp_path / name
    make(path)
    # a scan gets the one line (saying how to get OCR) where the OCR extra is not installed;
    # with it, the scan is read: test_scans_read_by_ocr_on_the_command_line
    r = run("assess", str(path), without_ocr=case == "scanned pdf")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert str(path) in lines[0] and words in lines[0]
    assert "Traceback" not in r.stderr


@pytest.mark.skipif(ocr.missing() is not None, reason="OCR extra or Tesseract not installed")
def test_scans_read_by_ocr_on_the_command_line(tmp_path):
    scan = write_scan(tmp_path / "scanned.pdf")
    blank = tmp_path / "shapes.pdf"
    _scanned_pdf(blank, pages=1)  # a scan with no words on it at all
    r = run("assess", str(scan), str(blank))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    # the scan is assessed from its OCR text layer, with the OCR confidence in the notes
    assert "Paragraphs: " in r.stdout and "(3 numbered)" in r.stdout
    assert "read by OCR (Tesseract)" in r.stdout
    # the page with no words is one line on stderr, after OCR has run twice in this process
    lines = r.stderr.strip().splitlines()
    scan_line = "has no text layer: it looks scanned and needs OCR before qmark can read it; OCR found no readable text in it"
    assert lines[0] == f"qmark: {blank}: {scan_line}"
    assert lines[1] == "qmark: 1 of 2 documents could not be assessed:" and len(lines) == 3


def test_oversized_file(tmp_path, capsys):
    p = tmp_path / "big.txt"
    p.write_text("4.1 The family moved. " * 80000)
    assert main(["assess", str(p), "--max-mb", "1"]) == 2
    assert "over the 1 MB limit" in capsys.readouterr().err


def test_several_files_the_good_ones_still_assessed(tmp_path):
    good = write_pdf(
        tmp_path / "good.pdf",
        [
            [
                "# 4. Analysis",
                "4.1 The health visitor visited and weighed the baby. Because the team had eight vacancies, no one read the history.",
            ]
        ],
    )
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    out = tmp_path / "out"
    r = run("assess", str(bad), str(good), "--json", str(out))
    assert r.returncode == 2
    assert (out / "good.json").exists() and not (out / "bad.json").exists()
    assert "1 of 2 documents could not be assessed" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_profile_framework_file(tmp_path):
    import shutil

    from qmark.profile import load_profile

    folder = tmp_path / "broken-profile"
    shutil.copytree(load_profile().folder, folder)
    fw = folder / "framework.yaml"
    fw.write_text("id: x\nversion: '1'\ntitle: X\nquality_statement: s\nrationale: r\nquestions: []\n")
    r = run("assess", str(sample_path()), "--profile", str(folder))
    assert r.returncode == 2
    assert "framework.yaml" in r.stderr and "questions" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_date_argument():
    r = run("assess", str(sample_path()), "--date", "12/09/2019")
    assert r.returncode == 2
    assert "not a date in the form YYYY-MM-DD" in r.stderr


def test_schema_command(capsys):
    assert main(["schema"]) == 0
    assert '"QuestionResult"' in capsys.readouterr().out


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_load_no_engine(flag):
    # They must answer at once: no engine, no pydantic models, no numpy, no YAML.
    code = (
        "import sys\n"
        "from qmark.cli import main\n"
        f"try:\n    main([{flag!r}])\nexcept SystemExit:\n    pass\n"
        "heavy = {'qmark.engine', 'qmark.profile', 'pydantic', 'numpy', 'yaml'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)
