import os
import shutil
from pathlib import Path

import pytest

from helpers import CORPUS, markdown_to_pages, write_docx, write_pdf
from qmark.cli import main


@pytest.fixture
def tasks_on_path(monkeypatch):
    """Make tests/batch importable in sandbox children (they inherit the environment)."""
    here = str(Path(__file__).parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([here, *filter(None, [os.environ.get("PYTHONPATH")])]))
    monkeypatch.syspath_prepend(here)


def make_inputs(root: Path) -> Path:
    """A folder of reports as a researcher might collect them."""
    inp = root / "in"
    for sub in ("team", "w01", "pdf", "docx", "a", "b", "broken"):
        (inp / sub).mkdir(parents=True)
    for name in ("r02_systems_2016.md", "r04_wales_cpr_2017.txt", "r13_lcspr_2020.html"):
        shutil.copy(CORPUS / name, inp / "team" / name)
    shutil.copy(CORPUS / "w01" / "f01a_scr_2008.txt", inp / "w01")
    write_pdf(inp / "pdf" / "r11_lcspr_2022.pdf", markdown_to_pages((CORPUS / "r11_lcspr_2022.md").read_text(encoding="utf-8")))
    write_docx(inp / "docx" / "r09_systems_2024.docx", (CORPUS / "r09_systems_2024.md").read_text(encoding="utf-8"))
    # the same file name in two folders, different reports
    shutil.copy(CORPUS / "r05_rapid_2021.md", inp / "a" / "child_report.md")
    shutil.copy(CORPUS / "r18_lcspr_2025.md", inp / "b" / "child_report.md")
    (inp / "broken" / "damaged.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%truncated")
    (inp / "team" / "notes.json").write_text("{}", encoding="utf-8")  # not a report: ignored
    return inp


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    """One batch over the folder, shared by the tests that only read its outputs."""
    root = tmp_path_factory.mktemp("batch")
    inp = make_inputs(root)
    out = root / "out"
    code = main(["batch", str(inp), "--out", str(out), "--workers", "2", "--html"])
    return inp, out, code
