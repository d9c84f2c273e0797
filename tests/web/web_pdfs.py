"""Test documents made on the fly (no binary fixtures in the repository)."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape


def report_pdf(markdown: Path, out: Path) -> Path:
    """A PDF of a Markdown report: headings, paragraphs and a 'Page N' footer, as a partnership
    would publish it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story = []
    for block in markdown.read_text(encoding="utf-8").split("\n\n"):
        b = block.strip()
        if not b or b.startswith("[^"):
            continue
        text = escape(re.sub(r"\[\^\d+\]|\*\*|\*", "", b))
        if b.startswith("## "):
            story.append(Paragraph(text[3:], styles["Heading2"]))
        elif b.startswith("# "):
            story.append(Paragraph(text[2:], styles["Heading1"]))
        else:
            story.append(Paragraph(text.replace("\n", "<br/>"), styles["BodyText"]))

    def footer(canvas, doc):
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"Page {doc.page}")

    SimpleDocTemplate(str(out), pagesize=A4, title="Child M LCSPR").build(story, onFirstPage=footer, onLaterPages=footer)
    return out
