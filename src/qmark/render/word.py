"""The Word assessment: the same content as the HTML report, built on Word's own styles (Title,
Heading 1 and 2, List Number, List Bullet, Quote, tables) so a business manager can edit it into
the partnership's feedback letter. Page 1 is the summary; strengths and numbered areas for
development follow, then the question-by-question detail."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from qmark.assess.records import Assessment
from qmark.profile import Profile
from qmark.render import content as content_mod
from qmark.render import nice_date
from qmark.render.assessor import AssessorJudgements

# Strong fills that print well, with white bold text; the rating is always written out too.
FILL = {"met": "00703C", "partly_met": "8A4B00", "not_met": "B21D0B", "not_evidenced": "383F43"}
MUTED = RGBColor(0x48, 0x49, 0x49)


def _shade(cell, hex_fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def _rating_cell(cell, rating: str, label: str, extra: str = "") -> None:
    p = cell.paragraphs[0]
    run = p.add_run(label)
    run.bold = True
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    if extra:
        r2 = p.add_run(f" {extra}")
        r2.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    _shade(cell, FILL.get(rating, "383F43"))


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _small(paragraph, text: str, italic: bool = False, bold: bool = False, muted: bool = True):
    run = paragraph.add_run(text)
    run.font.size = Pt(9)
    run.italic = italic
    run.bold = bold
    if muted:
        run.font.color.rgb = MUTED
    return run


def _setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(1.8)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        st = document.styles[name]
        st.font.name = "Arial"
        st.font.size = Pt(size)
        st.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        # East Asian and complex-script fonts too, or Word keeps the theme font for headings.
        rfonts = st.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), "Arial")
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            rfonts.attrib.pop(qn(attr), None)
    footer = section.footer.paragraphs[0]
    _small(footer, "Prepared with qmark. Ratings marked as suggestions are for an assessor to confirm or change.")


def build_document(c: content_mod.Content):
    document = docx.Document()
    _setup(document)
    j = c.judgements
    document.core_properties.title = f"Assessment of the analysis: {c.subject}"
    document.core_properties.author = (j.exported_by if j and j.exported_by else "") or "qmark"
    document.core_properties.comments = c.technical

    # ---- page 1: the summary
    document.add_paragraph(c.subject, style="Title")
    meta = document.add_paragraph()
    bits = [f"{c.marker}."]
    bits.append(f"Report dated {c.report_date}." if c.report_date else "The report's date was not found.")
    if j and j.organisation:
        bits.append(f"{j.organisation}{f', reference {j.reference}' if j.reference else ''}.")
    bits.append(f"Documents: {'; '.join(c.documents)}. Prepared with {c.made}.")
    _small(meta, " ".join(bits))
    status = document.add_paragraph()
    status.add_run(c.status).bold = True
    if j and j.complete:
        status.add_run(f" The review was marked complete by {j.completed_by} on {nice_date(j.completed_at[:10])}.")
    if not c.confirmed:
        status.add_run(" Each rating is a suggestion for an assessor to confirm or change, never a verdict.")
    for message in c.warnings:
        warning = document.add_paragraph()
        warning.add_run("Warning. ").bold = True
        warning.add_run(message)

    document.add_heading("Summary", level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(7.0), Cm(3.6), Cm(2.8), Cm(3.6))
    head = table.rows[0].cells
    for cell, text in zip(head, ("Question", "qmark suggests", "Confidence", "Assessor's rating")):
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_header(table.rows[0])
    for q in c.questions:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(f"{q.number}. {q.short}")
        _rating_cell(cells[1], q.suggested, q.suggested_label, "(check)" if q.check else "")
        cells[2].paragraphs[0].add_run(f"{q.confidence}%")
        if q.assessor:
            _rating_cell(cells[3], q.assessor.rating, q.assessor_label, "(agreed)" if q.assessor.kind == "agreed" else "")
        else:
            cells[3].paragraphs[0].add_run("Not yet confirmed").italic = True
    table.autofit = False
    for col, w in zip(table.columns, widths):
        col.width = w
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(0)
                for r in p.runs:
                    r.font.size = Pt(9.5)
    key = document.add_paragraph()
    key.paragraph_format.space_before = Pt(6)
    for _, label, meaning in c.ratings_key:
        _small(key, f"{label}: ", bold=True)
        _small(key, f"{meaning} ")
    _small(key, "Confidence: ", bold=True)
    _small(key, f"{c.confidence_meaning} ")
    _small(key, "Check: ", bold=True)
    _small(key, "qmark is not sure: read the evidence before relying on the suggestion.")
    key.runs[-1].add_break(WD_BREAK.PAGE)

    # ---- strengths and areas for development
    document.add_heading("Strengths", level=1)
    if c.strengths:
        for pt in c.strengths:
            p = document.add_paragraph(style="List Bullet")
            p.add_run(pt.question.short).bold = True
            p.add_run(f" (question {pt.question.number}). {pt.text}")
            if pt.refs:
                p.add_run(f" See {pt.refs}.")
    else:
        document.add_paragraph(f"No question is rated {c.ratings_key[0][1]}.")
    document.add_heading("Areas for development", level=1)
    if c.areas:
        for pt in c.areas:
            p = document.add_paragraph(style="List Number")
            p.add_run(pt.question.short).bold = True
            suggested = "" if pt.question.confirmed else ", suggested"
            p.add_run(f" (question {pt.question.number}, {pt.question.final_label}{suggested}). {pt.text}")
            if pt.refs:
                p.add_run(f" See {pt.refs}.")
            elif pt.question.final == "not_evidenced":
                p.add_run(" Nothing on this was found in the documents.")
    else:
        document.add_paragraph(f"None: every question is rated {c.ratings_key[0][1]}.")

    document.add_heading("The analysis at a glance", level=1)
    sections = f" ({', '.join(c.analysis_sections)})" if c.analysis_sections else ""
    document.add_paragraph(f"Measured over {c.analysis_words:,} words of analysis{sections}.")
    for fg in c.figures:
        p = document.add_paragraph(style="List Bullet")
        p.add_run(fg.value).bold = True
        p.add_run(f" {fg.caption}.")
        if fg.comparison:
            _small(p, f" {fg.comparison}")

    # ---- question by question
    document.add_heading("Question by question", level=1)
    for q in c.questions:
        h = document.add_heading(f"{q.number}. {q.short}: {q.final_label}", level=2)
        h.paragraph_format.keep_with_next = True
        status = document.add_paragraph()
        _small(status, q.status, italic=True)
        qt = document.add_paragraph()
        qt.add_run(f"The question: \u201c{q.text}\u201d").italic = True
        p = document.add_paragraph()
        p.add_run("qmark suggests: ").bold = True
        p.add_run(f"{q.suggested_label} ({q.confidence}% confidence{'; check' if q.check else ''}). {q.rationale}")
        if q.assessor:
            p = document.add_paragraph()
            p.add_run("Agreed rating: " if q.assessor.kind == "agreed" else "Assessor's rating: ").bold = True
            p.add_run(f"{q.assessor_label}, by {q.assessor.by} on {nice_date(q.assessor.at[:10])}.")
            if q.assessor.comment:
                p.add_run(f" \u201c{q.assessor.comment}\u201d")
        if q.final != "met":
            p = document.add_paragraph()
            p.add_run("What would strengthen it: ").bold = True
            p.add_run(q.develop)
        if q.not_found and q.not_found not in q.rationale:
            p = document.add_paragraph()
            p.add_run("Nothing found: ").bold = True
            p.add_run(q.not_found)
        _evidence(document, "Evidence for", q.evidence, len(q.shown_evidence))
        _evidence(document, "Evidence against", q.counter, len(q.shown_counter))
        if q.added:
            p = document.add_paragraph()
            p.add_run("Evidence added by the assessor").bold = True
            p.paragraph_format.keep_with_next = True
            for a in q.added:
                loc = document.add_paragraph()
                _small(loc, f"{a.label}, added by {a.by}", bold=True, muted=False)
                loc.paragraph_format.keep_with_next = True
                document.add_paragraph(a.text, style="Quote")

    if c.flag_groups:
        document.add_heading("Passages to look at", level=1)
        for _, title, items in c.flag_groups:
            question = f" (question {items[0].question.number})" if items[0].question else ""
            document.add_heading(f"{title}{question}: {len(items)}", level=2)
            if items[0].advice:
                document.add_paragraph(items[0].advice)
            for fl in items:
                p = document.add_paragraph(style="List Bullet")
                if fl.label:
                    p.add_run(f"{fl.label}: ").bold = True
                if fl.quote:
                    p.add_run(f"\u201c{fl.quote}\u201d ")
                _small(p, fl.reason)

    if c.glossary:
        document.add_heading("Abbreviations", level=1)
        for abbr, meaning in c.glossary:
            p = document.add_paragraph()
            p.paragraph_format.space_after = Pt(0)
            p.add_run(abbr).bold = True
            p.add_run(f": {meaning}")

    document.add_heading("About this assessment", level=1)
    document.add_paragraph(f"The quality statement. {c.quality_statement}")
    document.add_paragraph(
        "qmark read the documents on this computer and sent nothing anywhere. Its suggestions come from patterns in the text; "
        "an assessor decides." + (f" Exported by {j.exported_by}." if j and j.exported_by else "")
    )
    _small(document.add_paragraph(), f"Technical reference, for support: {c.technical}.")
    return document


def _evidence(document, title: str, items: list[content_mod.EvidenceView], n: int) -> None:
    if not items:
        return
    p = document.add_paragraph()
    p.add_run(title).bold = True
    if len(items) > n:
        _small(p, f" (the strongest {n} of {len(items)})")
    p.paragraph_format.keep_with_next = True
    for e in items[:n]:
        loc = document.add_paragraph()
        loc.paragraph_format.keep_with_next = True
        loc.paragraph_format.space_after = Pt(0)
        _small(loc, e.label, bold=True, muted=False)
        if e.status:
            _small(loc, f" ({e.status} by the assessor)")
        q = document.add_paragraph(style="Quote")
        q.add_run(f"\u201c{e.key or e.quote}\u201d")
        if e.reasons:
            _small(q, f" ({e.reasons[0]})", italic=False)


def write_content(c: content_mod.Content, path: str | Path) -> None:
    build_document(c).save(str(path))


def write(assessment: Assessment, path: str | Path, profile: Profile, judgements: AssessorJudgements | None = None) -> None:
    write_content(content_mod.build(assessment, profile, judgements), path)


def to_bytes(c: content_mod.Content) -> bytes:
    import io

    buf = io.BytesIO()
    build_document(c).save(buf)
    return buf.getvalue()
