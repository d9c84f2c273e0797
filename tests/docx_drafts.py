"""A reviewer's draft as Word would save it, made from a corpus report: Heading styles, paragraph
numbers from Word's own list numbering (not typed), runs split mid-sentence by formatting, a
reviewer's existing comment and a tracked insertion and deletion by another author."""

from __future__ import annotations

import re
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NUMBERED = re.compile(r"^(\d+)\.(\d+)\s+")
_HEADING_NUMBER = re.compile(r"^(\d+)\.\s+")

EXISTING_COMMENT = "Helen: check the dates in this paragraph against the chronology."
INSERTED = " (as the midwife recorded it)"
DELETED = " at that time"


def _list(document) -> int:
    """A two-level list: headings '%1.' and paragraphs '%1.%2', as reviews number them."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/><w:lvlJc w:val="left"/></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(f"{{{W_NS}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    return numbering.add_num(90).numId


def _number(paragraph, num_id: int, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = ppr.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def _tracked(paragraph, inserted: str, deleted: str) -> None:
    from docx.oxml import parse_xml

    date = 'w:date="2016-08-01T10:00:00Z"'
    paragraph._p.append(
        parse_xml(
            f'<w:ins xmlns:w="{W_NS}" w:id="9001" w:author="Tomasz Wren" {date}><w:r><w:t xml:space="preserve">{inserted}</w:t></w:r></w:ins>'
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del xmlns:w="{W_NS}" w:id="9002" w:author="Tomasz Wren" {date}><w:r><w:delText xml:space="preserve">{deleted}</w:delText></w:r></w:del>'
        )
    )


def write_draft(md_path: Path, out: Path) -> Path:
    """The corpus report as a reviewer's Word draft (see the module's docstring)."""
    import docx

    d = docx.Document()
    num = _list(d)
    commented = tracked = False
    section = 0
    for block in (b.strip() for b in md_path.read_text(encoding="utf-8").split("\n\n")):
        if not block or block == "---":
            continue
        if block.startswith("#"):
            level = len(block) - len(block.lstrip("#"))
            text = block.lstrip("# ").strip()
            m = _HEADING_NUMBER.match(text)
            h = d.add_heading(_HEADING_NUMBER.sub("", text) if m else text, level=min(level, 3))
            if m and level == 1:
                section = int(m.group(1))
                _number(h, num, 0)
            continue
        text = " ".join(block.replace("**", "").split())
        m = _NUMBERED.match(text)
        p = d.add_paragraph()
        if m and int(m.group(1)) == section:
            _number(p, num, 1)
            text = text[m.end() :]
        # Formatting splits runs mid-sentence, as real documents do.
        words = text.split(" ")
        cut = max(1, len(words) // 3)
        p.add_run(" ".join(words[:cut]) + " ")
        italic = p.add_run(" ".join(words[cut : 2 * cut]) + " ")
        italic.italic = True
        p.add_run(" ".join(words[2 * cut :]))
        if m and not commented and section == 5:
            d.add_comment(p.runs[0], text=EXISTING_COMMENT, author="Helen Marsh", initials="HM")
            commented = True
        elif m and commented and not tracked and section == 5:
            _tracked(p, INSERTED, DELETED)
            tracked = True
    d.core_properties.title = ""
    d.save(str(out))
    return out
