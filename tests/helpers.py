"""Shared test helpers: real documents generated in the test, never real case material.
An ordinary module (not conftest) so that test packages can import it without clashes."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus" / "dev"


def write_pdf(path: Path, pages: list[list[str]], header: str = "OFFICIAL", title: str = "") -> Path:
    """A real multi-page PDF (reportlab): a running header, 'Page N of M' footer, wrapped paragraphs.

    Each list in `pages` starts a new page (a page break); a list that does not fit runs on
    to further pages as a word processor's would: a paragraph may break between lines at the
    foot of a page, and a heading is kept with the first lines of what follows it. No text
    is ever drawn below the bottom margin or over the footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    width, height = A4
    top, bottom, leading, after = height - 80, 72, 14, 10  # bottom margin one inch, above the footer
    # Lay out first, so that the footer can say 'of M'.
    sheets: list[list[tuple[str, float, float, str]]] = []  # per page: (font, size, y, line)
    for paras in pages:
        sheets.append([])
        y = top
        for k, para in enumerate(paras):
            bold = para.startswith("#")
            font, size = ("Helvetica-Bold", 12) if bold else ("Helvetica", 10.5)
            lines = simpleSplit(para.lstrip("# "), font, size, width - 144)
            # a heading needs room for itself and two lines of what follows it; a paragraph
            # starts on a page only with room for two of its lines
            need = len(lines) + 2 if bold and k + 1 < len(paras) else min(2, len(lines))
            if y - leading * (need - 1) < bottom and sheets[-1]:
                sheets.append([])
                y = top
            for line in lines:
                if y < bottom:
                    sheets.append([])
                    y = top
                sheets[-1].append((font, size, y, line))
                y -= leading
            y -= after
    c = canvas.Canvas(str(path), pagesize=A4)
    if title:
        c.setTitle(title)
    for n, drawn in enumerate(sheets, 1):
        c.setFont("Helvetica", 9)
        c.drawString(72, height - 40, header)
        c.drawString(width / 2 - 30, 30, f"Page {n} of {len(sheets)}")
        for font, size, y, line in drawn:
            c.setFont(font, size)
            c.drawString(72, y, line)
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


def synthetic_batch(out: Path, n: int, seed: int = 1) -> dict:
    """A batch output folder for n made-up reports, written through qmark's own journal and
    table writer (so the tables have exactly the batch's schema). Returns what the tables must
    add up to: rating counts per (question, rating), reports per year and type, citations."""
    import json
    import random
    from collections import Counter

    from qmark.batch.inputs import Item
    from qmark.batch.store import JOURNAL, Store

    rnd = random.Random(seed)
    questions = [(f"q{i}", i, f"Question {i} <short & plain>") for i in range(1, 12)]
    types = ["scr", "lcspr", "welsh_cpr", "learning_review", ""]
    ratings = ["met", "partly_met", "not_met", "not_evidenced"]
    mix: Counter = Counter()
    by_year: Counter = Counter()
    by_type: Counter = Counter()
    n_citations = 0
    items = []
    out.mkdir(parents=True, exist_ok=True)
    with open(out / JOURNAL, "w", encoding="utf-8") as j:
        for k in range(n):
            rid = f"region{k % 40:02d}/report-{k:05d}"
            year = None if k % 97 == 0 else rnd.randint(2008, 2025)
            typ = rnd.choice(types)
            rs = [rnd.choices(ratings, weights=[4, 4, 2, 3])[0] for _ in questions]
            cites = [
                {"kind": "research", "year": year - a if year else None, "age_at_report": a if year else None, "entry": None}
                for a in (rnd.randint(0, 40) for _ in range(rnd.randint(0, 6)))
            ]
            report = {
                "title": f"Child {k} <b>review</b>",
                "date": f"{year}-06-01" if year else None,
                "year": year,
                "date_source": "title",
                "documents": 1,
                "pages": 40,
                "paragraphs": 300,
                "numbered_paragraphs": 290,
                "words": 16000,
                "analysis_words": 6000,
                "hindsight_judgements": (h := rnd.randint(0, 30)),
                "hindsight_per_1000_words": round(h / 6, 4),
                "hindsight_mitigations": 1,
                "explain_share": 0.5,
                "systemic_explanations": rnd.randint(0, 20),
                "individual_explanations": rnd.randint(0, 10),
                "citations": len(cites),
                "newest_research_year": year,
                "median_research_age": 5.0,
                **{r: rs.count(r) for r in ratings},
                "needs_check": 3,
                "fingerprint": f"{k:064x}",
                "profile": "analysis",
                "profile_version": "2.0.0",
                "engine_version": "0.1.0",
                "config_hash": "c0ffee",
            }
            ratings_rows = [
                {
                    "question": q,
                    "number": num,
                    "short": short,
                    "rating": r,
                    "confidence": 0.6,
                    "needs_check": False,
                    "top_evidence": "para 4.1",
                    "profile": "analysis",
                    "profile_version": "2.0.0",
                    "engine_version": "0.1.0",
                    "config_hash": "c0ffee",
                }
                for (q, num, short), r in zip(questions, rs)
            ]
            entry = {
                "id": rid,
                "file": f"in/{rid}.pdf",
                "working": [],
                "review_id": "",
                "type": typ,
                "ok": True,
                "seconds": 0.3,
                "fingerprint": report["fingerprint"],
                "config_hash": "c0ffee",
                "json": f"json/{rid}.json",
                "html": None,
                "report": report,
                "ratings": ratings_rows,
                "citations": cites,
            }
            j.write(json.dumps(entry) + "\n")
            items.append(Item(id=rid, report=f"in/{rid}.pdf", type=typ))
            mix.update((q, r) for (q, _, _), r in zip(questions, rs))
            by_year[year] += 1
            by_type[typ] += 1
            n_citations += sum(c["age_at_report"] is not None for c in cites)
    with Store(out) as store:
        store.finish(items)
    return {"mix": mix, "by_year": by_year, "by_type": by_type, "citations": n_citations, "reports": n}


SCANNED_PARAGRAPHS = [
    "1.1 The partnership commissioned this review after Child S was taken to hospital with a head injury in March 2022.",
    "1.2 The health visitor saw the family four times and recorded that the home was warm and the baby was thriving.",
    "1.3 Nobody asked who else lived in the flat, because the records said that nobody else did.",
]


def write_scan(path: Path, footer: str = "") -> Path:
    """A one-page report, printed and scanned: the page as a 200 dpi greyscale image in a PDF,
    with no text layer; `footer`, when given, is typed on the scan as text (a stamp or page
    number added after scanning), so the PDF has a little text but none of the report's."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader, simpleSplit
    from reportlab.pdfgen import canvas

    typed = path.with_name(path.stem + "-typed.pdf")
    c = canvas.Canvas(str(typed), pagesize=A4)
    y = A4[1] - 90
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, y, "1. Introduction")
    c.setFont("Helvetica", 12)
    for para in SCANNED_PARAGRAPHS:
        y -= 12
        for line in simpleSplit(para, "Helvetica", 12, A4[0] - 144):
            y -= 16
            c.drawString(72, y, line)
    c.save()
    pdf = pdfium.PdfDocument(str(typed))
    image = pdf[0].render(scale=200 / 72).to_pil().convert("L")
    pdf.close()
    typed.unlink()
    if not footer:
        image.save(path, "PDF", resolution=200)
        return path
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(image), 0, 0, *A4)
    c.setFont("Helvetica", 9)
    c.drawString(72, 30, footer)
    c.save()
    return path
