"""A report in the forms people publish and copy it in, made from qmark's reading of a source.

Used by benchmarks/bench_numbers.py and by the tests that read the sample report in each form.
Every form is generated here from the source's own reading (an *outline* of headings,
paragraphs, list items, table rows and contents entries), so the printed numbers each form
should show are known:

- Word documents with typed numbers, or with Word's own list numbering (numbering.xml: the
  number is not in the text, as in most reviews written in Word), running header and a
  'Page N of M' footer made of Word fields;
- PDFs made by LibreOffice from those documents (`soffice --headless --convert-to pdf`);
- pdftotext's text of a PDF, with and without `-layout`;
- text hard-wrapped at 78 columns, with or without blank lines between paragraphs, as copied
  out of a PDF viewer or a web page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from qmark.report import Report

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class Item:
    kind: str  # heading, para, item, row, contents
    text: str  # the whole text as read, printed number included
    level: int = 0  # heading level
    marker: str = ""  # the printed number as printed ('4.12', 'Para 23', '7.')
    body: str = ""  # the text after the printed number


_LABELLED = re.compile(r"^\(?[a-z0-9]{1,4}[.)]\s")
_NOTE_MARK = re.compile(r"\[(?:\d{1,3}|[ivx]{1,5})\]")


def outline(report: Report) -> list[Item]:
    """The main document of a report as a list of items, footnotes and their markers left out."""
    items: list[Item] = []
    for p in report.paragraphs:
        if p.document != 0 or p.kind == "footnote":
            continue
        text = _NOTE_MARK.sub("", report.paragraph_text(p)).strip()
        text = " ".join(text.split())
        if not text:
            continue
        if p.kind == "heading":
            level = report.sections[p.section].level if p.section is not None else 1
            items.append(Item("contents" if p.role == "contents" else "heading", text, level=level))
        elif p.role == "contents":
            items.append(Item("contents", text))
        elif p.kind == "table_row":
            items.append(Item("row", text))
        elif p.number and p.number_span:
            marker = report.text[p.number_span[0] : p.number_span[1]]
            body = _NOTE_MARK.sub("", report.text[p.number_span[1] : p.end]).strip()
            items.append(Item("para", text, marker=marker, body=" ".join(body.split())))
        else:
            items.append(Item("item" if p.kind == "list_item" else "para", text))
    return items


def truth(report: Report) -> list[tuple[str, str]]:
    """(number, first words after it) of each numbered body paragraph (a number at the start of
    a table row is a row's label or a date, not a paragraph number)."""
    return [
        (p.number, _first_words(report.text[p.number_span[1] : p.end] if p.number_span else report.paragraph_text(p)))
        for p in report.paragraphs
        if p.number and p.kind not in ("heading", "table_row") and p.role != "contents"
    ]


def _first_words(text: str, n: int = 4) -> str:
    words = re.findall(r"[A-Za-z0-9']+", _NOTE_MARK.sub("", text))
    return " ".join(words[:n]).lower()


# --- plain text ---------------------------------------------------------------------------------


def wrapped(items: list[Item], width: int = 78, blank_lines: bool = False) -> str:
    """Hard-wrapped text, one line per visual line, as copied from a PDF viewer or a web page.
    Without blank lines, only the line ends and the numbering show where paragraphs begin."""
    out: list[str] = []
    for it in items:
        if it.kind == "row":
            out.append("\t".join(c.strip() for c in it.text.split(" | ")))
        elif it.kind in ("heading", "contents"):
            out.append(it.text)
        elif it.kind == "item" and not _LABELLED.match(it.text):
            out.append(textwrap.fill("\u2022 " + it.text, width, subsequent_indent="  "))
        else:
            out.append(textwrap.fill(it.text, width))
    return ("\n\n" if blank_lines else "\n").join(out) + "\n"


# --- Word -----------------------------------------------------------------------------------------


def write_docx(path: Path, items: list[Item], auto: bool = False, title: str = "", stats: dict[str, int] | None = None) -> Path:
    """A Word document: Heading styles, a running header and a 'Page N of M' footer (fields).
    With auto, printed paragraph numbers are Word list numbering, not typed text (see
    _AutoNumbering); stats, when given, counts the paragraphs numbered each way."""
    import docx
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Pt

    d = docx.Document()
    section = d.sections[0]
    if title:
        d.core_properties.title = title
        section.header.paragraphs[0].text = title
    footer = section.footer.paragraphs[0]
    _fields(footer, ["Page ", ("PAGE", "1"), " of ", ("NUMPAGES", "1")])
    numbering = _AutoNumbering(d) if auto else None
    for it in items:
        if it.kind == "heading":
            h = d.add_heading(it.text, level=min(max(it.level, 1), 4))
            if numbering is not None:
                numbering.heading(h, it.text)
        elif it.kind == "contents":
            p = d.add_paragraph()
            p.paragraph_format.tab_stops.add_tab_stop(Pt(450), WD_TAB_ALIGNMENT.RIGHT)
            p.add_run(it.text)
        elif it.kind == "row":
            cells = it.text.split(" | ")
            t = d.add_table(rows=1, cols=len(cells))
            t.style = "Table Grid"
            for cell, val in zip(t.rows[0].cells, cells):
                cell.text = val.strip()
        elif it.kind == "para" and it.marker:
            p = d.add_paragraph(it.body)
            if numbering is None or not numbering.can_number(it.marker) or not numbering.apply(p, it.marker):
                p.text = ""
                p.add_run(f"{it.marker}\t{it.body}")
                p.paragraph_format.left_indent = Pt(36)
                p.paragraph_format.first_line_indent = Pt(-36)
        elif it.kind == "item":
            d.add_paragraph(it.text, style=None if _LABELLED.match(it.text) else "List Bullet")
        else:
            d.add_paragraph(it.text)
    d.save(str(path))
    if stats is not None and numbering is not None:
        stats["auto"] = stats.get("auto", 0) + numbering.auto
        stats["typed"] = stats.get("typed", 0) + numbering.typed
    return path


def _fields(paragraph, parts) -> None:
    """Text and simple fields (PAGE, NUMPAGES) in a paragraph."""
    from docx.oxml import parse_xml

    for part in parts:
        if isinstance(part, str):
            paragraph.add_run(part)
        else:
            code, shown = part
            paragraph._p.append(parse_xml(f'<w:fldSimple xmlns:w="{W_NS}" w:instr=" {code} "><w:r><w:t>{shown}</w:t></w:r></w:fldSimple>'))


class _AutoNumbering:
    """Word list numbering that shows each paragraph's printed number, set up as people set it
    up in Word: one multi-level list per numbering style ('%1.%2', 'Para %1', '%1-%2'), its
    top level attached to the numbered section headings ('4. Analysis') so that '4.1' counts
    from the heading. A paragraph whose number the list cannot reach by counting (a jump in
    the report's own numbering) keeps a typed number, as such paragraphs do in real reports."""

    _SHAPE = re.compile(r"^(?P<pre>(?:Para(?:graph)?\.?\s*)|[A-Z])?(?P<nums>\d{1,3}(?:(?P<sep>[.\-\u2013])\d{1,3}){0,2})(?P<post>[.)]?)$")
    _HEADING = re.compile(r"^(?P<nums>\d{1,2}(?:\.\d{1,2}){0,2})\.?\s+(?P<title>\S.*)$")

    def __init__(self, document) -> None:
        self.document = document
        self.numbering = document.part.numbering_part.element
        self.lists: dict[tuple[str, str, str], tuple[int, int]] = {}  # style -> (abstractNum id, numId in use)
        self.state: dict[tuple[str, str, str], list[int]] = {}  # style -> values shown last, by level
        self.pending: list[tuple[object, tuple[int, ...], str]] = []  # headings since the last numbered paragraph
        self.auto = 0
        self.typed = 0

    def heading(self, paragraph, text: str) -> None:
        m = self._HEADING.match(text)
        if m:
            self.pending.append((paragraph, tuple(int(v) for v in m.group("nums").split(".")), m.group("title")))

    def can_number(self, marker: str) -> bool:
        return self._SHAPE.match(marker.strip()) is not None

    def _style(self, marker: str) -> tuple[tuple[str, str, str], list[int]]:
        m = self._SHAPE.match(marker.strip())
        assert m is not None
        values = [int(v) for v in re.findall(r"\d+", m.group("nums"))]
        return (m.group("pre") or "", m.group("sep") or ".", m.group("post")), values

    def _list(self, style: tuple[str, str, str], restart_at: int | None = None) -> int:
        """The numId for a style; a new list instance when restart_at (top level) is given."""
        from docx.oxml import parse_xml

        pre, sep, post = style
        if style not in self.lists:
            aid = 200 + len(self.lists)
            lvls = []
            for ilvl in range(3):
                text = pre + sep.join(f"%{k + 1}" for k in range(ilvl + 1)) + (post if ilvl else (post or ("." if not pre else "")))
                lvls.append(
                    f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
                    f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                    f'<w:pPr><w:ind w:left="720" w:hanging="720"/></w:pPr></w:lvl>'
                )
            abstract = parse_xml(
                f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{aid}"><w:multiLevelType w:val="multilevel"/>'
                f"{''.join(lvls)}</w:abstractNum>"
            )
            first_num = self.numbering.find(f"{{{W_NS}}}num")
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                self.numbering.append(abstract)
            self.lists[style] = (aid, self.numbering.add_num(aid).numId)
        aid, num_id = self.lists[style]
        if restart_at is not None:
            num = self.numbering.add_num(aid)
            num.append(parse_xml(f'<w:lvlOverride xmlns:w="{W_NS}" w:ilvl="0"><w:startOverride w:val="{restart_at}"/></w:lvlOverride>'))
            num_id = num.numId
            self.lists[style] = (aid, num_id)
        return num_id

    @staticmethod
    def _counted(state: list[int], depth: int) -> list[int]:
        """The values the next item at this depth shows when the list just counts on."""
        shown = (state + [0] * depth)[:depth]
        below = len(state) >= depth
        shown[-1] = (state[depth - 1] + 1) if below else 1
        return shown

    def apply(self, paragraph, marker: str) -> bool:
        """Number the paragraph with the list if counting reaches its printed number; False
        when it keeps a typed number instead."""
        style, values = self._style(marker)
        depth = len(values)
        state = self.state.get(style, [])
        for heading, nums, title in self.pending:
            # numbered headings on the way to this paragraph's parents count in the same list
            if len(nums) >= depth or list(nums) != values[: len(nums)]:
                continue
            if self._counted(state, len(nums)) == list(nums):
                num_id = self._list(style)
            elif len(nums) == 1 and style[0] == "":
                num_id = self._list(style, restart_at=nums[0])
            else:
                continue
            self._number(heading, num_id, len(nums) - 1, title)
            state = list(nums)
        self.pending = []
        if self._counted(state, depth) != values or (depth > 1 and state[: depth - 1] != values[:-1]):
            if depth == 1:
                num_id = self._list(style, restart_at=values[0])  # a plain count that jumps: a new list
            else:
                self.typed += 1
                return False
        else:
            num_id = self._list(style)
        self._number(paragraph, num_id, depth - 1, None)
        self.state[style] = list(values)
        self.auto += 1
        return True

    @staticmethod
    def _number(paragraph, num_id: int, ilvl: int, title: str | None) -> None:
        if title is not None:  # the heading's typed number is now the list's
            for run in paragraph.runs[1:]:
                run.text = ""
            paragraph.runs[0].text = title
        ppr = paragraph._p.get_or_add_pPr()
        num_pr = ppr.get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = ilvl
        num_pr.get_or_add_numId().val = num_id


# --- PDF by LibreOffice, text by pdftotext ---------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_pdfs(docs: list[Path], outdir: Path) -> list[Path]:
    """PDFs of Word documents, made by LibreOffice in one run with a private profile."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        for start in range(0, len(docs), 40):
            batch = [str(p) for p in docs[start : start + 40]]
            subprocess.run(
                [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(outdir), *batch],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=1800,
                env={**os.environ, "HOME": profile},
            )
    return [outdir / (p.stem + ".pdf") for p in docs]


def pdftotext(pdf: Path, out: Path, layout: bool) -> Path:
    subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(pdf), str(out)], check=True)
    return out
