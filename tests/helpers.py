"""Shared test helpers: real documents generated in the test, never real case material.
An ordinary module (not conftest) so that test packages can import it without clashes."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus" / "dev"


def write_pdf(path: Path, pages: list[list[str]], header: str = "OFFICIAL", title: str = "") -> Path:
    """A real multi-page PDF (reportlab): a running header, 'Page N of M' footer, wrapped paragraphs."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    if title:
        c.setTitle(title)
    width, height = A4
    total = len(pages)
    for n, paras in enumerate(pages, 1):
        c.setFont("Helvetica", 9)
        c.drawString(72, height - 40, header)
        c.drawString(width / 2 - 30, 30, f"Page {n} of {total}")
        y = height - 80
        for para in paras:
            bold = para.startswith("#")
            text = para.lstrip("# ")
            c.setFont("Helvetica-Bold" if bold else "Helvetica", 12 if bold else 10.5)
            for line in simpleSplit(text, c._fontname, c._fontsize, width - 144):
                c.drawString(72, y, line)
                y -= 14
            y -= 10
        c.showPage()
    c.save()
    return path


def markdown_to_pages(md: str, per_page: int = 9) -> list[list[str]]:
    """Split a Markdown report into pages of paragraphs for write_pdf (headings keep '#')."""
    paras = [p.strip().replace("\n", " ") for p in md.split("\n\n") if p.strip()]
    paras = [("# " + p.lstrip("# ")) if p.startswith("#") else p for p in paras if not p.startswith("|")]
    return [paras[i : i + per_page] for i in range(0, len(paras), per_page)]


def write_docx(path: Path, md: str) -> Path:
    """A real Word document from a Markdown report: headings as Heading styles, paragraphs as text."""
    import docx

    d = docx.Document()
    for block in (b.strip() for b in md.split("\n\n")):
        if not block:
            continue
        if block.startswith("#"):
            level = len(block) - len(block.lstrip("#"))
            d.add_heading(block.lstrip("# ").strip(), level=min(level, 4))
        elif block.startswith("|"):
            rows = [r for r in block.splitlines() if not set(r.replace("|", "").strip()) <= set("-: ")]
            cells = [[c.strip() for c in r.strip("|").split("|")] for r in rows]
            t = d.add_table(rows=len(cells), cols=len(cells[0]))
            for i, row in enumerate(cells):
                for j, val in enumerate(row[: len(cells[0])]):
                    t.cell(i, j).text = val
        else:
            d.add_paragraph(block.replace("\n", " "))
    d.save(str(path))
    return path
