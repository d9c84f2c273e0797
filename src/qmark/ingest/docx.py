"""Word (.docx) reader: body paragraphs and tables in document order, headings from styles,
Word's automatic paragraph numbers, footnotes, and page breaks where Word recorded them.

Many reviews number their paragraphs with Word's list numbering ("4.12" shown by Word but not
present in the text), so the numbers are computed here from numbering.xml the way Word does:
counters per list, levels restarting under a higher level, start values and overrides.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from qmark.ingest.blocks import Block, BlockKind, ReadResult
from qmark.ingest.errors import IngestError
from qmark.ingest.layout import CAPTION, heading_number, is_contents_entry, is_contents_heading, unnumbered_level

DAMAGED = "is not a valid Word document or is damaged"
PASSWORD = "is password-protected; remove the password and try again"
OLD_DOC = "is an old Word .doc file renamed to .docx; save it as .docx or PDF and try again"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .docx is an OLE compound file

# Bounds on what a .docx may unpack to, checked before anything is decompressed. A 300-page
# report's XML is a few MB; its pictures are stored already compressed.
MAX_UNPACKED_MB = 512  # all parts together, as the zip directory declares them
MAX_XML_MB = 64  # the XML parts that are parsed
MAX_PARTS = 10_000
MAX_LIST_VALUE = 32_767  # Word's own limit on a list's start value
_MAX_LVL_TEXT = 255  # a level's number text, e.g. '%1.%2.'
_MAX_SHAPED = 3_999  # above this, letters and roman numerals are shown as digits


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _val(el: etree._Element | None, attr: str = "val") -> str | None:
    return None if el is None else el.get(_w(attr))


def _on(el: etree._Element | None) -> bool:
    """A toggle property such as <w:b/>: on unless its val says otherwise."""
    return el is not None and _val(el) not in ("0", "false", "off")


# --- styles -----------------------------------------------------------------------------


@dataclass
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline: int | None
    bold: bool
    page_break_before: bool


class _Styles:
    def __init__(self, root: etree._Element) -> None:
        self.styles: dict[str, _Style] = {}
        self.default = "Normal"
        for s in root.iter(_w("style")):
            sid = s.get(_w("styleId"))
            if not sid:
                continue
            if s.get(_w("type")) == "paragraph" and s.get(_w("default")) in ("1", "true"):
                self.default = sid
            ppr = s.find(_w("pPr"))
            num = ppr.find(_w("numPr")) if ppr is not None else None
            ilvl = _val(num.find(_w("ilvl"))) if num is not None else None
            outline = _val(ppr.find(_w("outlineLvl"))) if ppr is not None else None
            rpr = s.find(_w("rPr"))
            self.styles[sid] = _Style(
                name=(_val(s.find(_w("name"))) or sid).strip(),
                based_on=_val(s.find(_w("basedOn"))),
                num_id=_val(num.find(_w("numId"))) if num is not None else None,
                ilvl=int(ilvl) if ilvl and ilvl.isdigit() else None,
                outline=int(outline) if outline and outline.isdigit() else None,
                bold=_on(rpr.find(_w("b"))) if rpr is not None else False,
                page_break_before=_on(ppr.find(_w("pageBreakBefore"))) if ppr is not None else False,
            )

    def chain(self, sid: str | None) -> Iterator[tuple[str, _Style]]:
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            yield sid, self.styles[sid]
            sid = self.styles[sid].based_on

    def name(self, sid: str | None) -> str:
        style = self.styles.get(sid or "")
        return style.name.lower() if style else ""

    def heading_level(self, sid: str | None) -> int | None:
        for _, style in self.chain(sid):
            m = re.fullmatch(r"heading\s*(\d)", style.name, re.I)
            if m:
                return int(m.group(1))
            if style.name.lower() == "title":
                return 1
            if style.outline is not None and style.outline < 9:
                return style.outline + 1
        return None

    def numbering(self, sid: str | None) -> tuple[str | None, int | None, str | None]:
        """(numId, ilvl, id of the style that carries it) inherited from a paragraph style."""
        for cur, style in self.chain(sid):
            if style.num_id is not None:
                return style.num_id, style.ilvl, cur
        return None, None, None

    def first(self, sid: str | None, attr: str) -> bool:
        return any(getattr(style, attr) for _, style in self.chain(sid))


# --- numbering --------------------------------------------------------------------------


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # lvlRestart: restart after this (1-based) level; 0 = never
    style: str | None = None  # pStyle: paragraph style bound to this level
    legal: bool = False  # isLgl: show all levels as decimal


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # startOverride per level
    levels: dict[int, _Level] = field(default_factory=dict)  # full level overrides


def _list_value(text: str) -> int:
    """A list's start value, refused beyond Word's limit (10^12 in roman numerals would hang)."""
    value = int(text)
    if abs(value) > MAX_LIST_VALUE:
        raise IngestError(
            "",
            f"its list numbering starts at {text[:20]}, beyond Word's limit of {MAX_LIST_VALUE}; the file is damaged or not a real report",
        )
    return value


def _level(el: etree._Element) -> _Level:
    start = _val(el.find(_w("start")))
    restart = _val(el.find(_w("lvlRestart")))
    text = _val(el.find(_w("lvlText"))) or ""
    if len(text) > _MAX_LVL_TEXT:
        raise IngestError(
            "", f"its list numbering text is {len(text):,} characters long, over Word's limit; the file is damaged or not a real report"
        )
    return _Level(
        start=_list_value(start) if start and start.lstrip("-").isdigit() else 1,
        fmt=_val(el.find(_w("numFmt"))) or "decimal",
        text=text,
        restart=int(restart) if restart and restart.isdigit() else None,
        style=_val(el.find(_w("pStyle"))),
        legal=_on(el.find(_w("isLgl"))),
    )


class _Numbering:
    """Word's list numbering: definitions from numbering.xml and the running counters."""

    def __init__(self, root: etree._Element | None, styles: _Styles) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}  # abstractNum with numStyleLink -> style id
        self.nums: dict[str, _Num] = {}
        self.styles = styles
        self.counters: dict[str, list[int | None]] = {}
        self.used: set[str] = set()
        if root is None:
            return
        for a in root.iter(_w("abstractNum")):
            aid = a.get(_w("abstractNumId"))
            self.abstracts[aid] = {int(lv.get(_w("ilvl"), "0")): _level(lv) for lv in a.findall(_w("lvl"))}
            link = _val(a.find(_w("numStyleLink")))
            if link:
                self.links[aid] = link
        for n in root.iter(_w("num")):
            num = _Num(_val(n.find(_w("abstractNumId"))) or "")
            for o in n.findall(_w("lvlOverride")):
                ilvl = int(o.get(_w("ilvl"), "0"))
                start = _val(o.find(_w("startOverride")))
                if start and start.isdigit():
                    num.starts[ilvl] = _list_value(start)
                lv = o.find(_w("lvl"))
                if lv is not None:
                    num.levels[ilvl] = _level(lv)
            self.nums[n.get(_w("numId"))] = num

    def _abstract(self, num: _Num) -> str:
        """Follow a numStyleLink to the abstract definition that really holds the levels."""
        aid = num.abstract
        for _ in range(3):
            link = self.links.get(aid)
            if not link:
                break
            linked_num, _, _ = self.styles.numbering(link)
            target = self.nums.get(linked_num or "")
            if target is None or target.abstract == aid:
                break
            aid = target.abstract
        return aid

    def level_for_style(self, num_id: str, style: str | None) -> int | None:
        num = self.nums.get(num_id)
        if num is None or style is None:
            return None
        for ilvl, lv in self.abstracts.get(self._abstract(num), {}).items():
            if lv.style == style:
                return ilvl
        return None

    def next(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """Advance the list's counters for one paragraph; (marker, numFmt) or None."""
        num = self.nums.get(num_id)
        if num is None:
            return None
        aid = self._abstract(num)
        levels = dict(self.abstracts.get(aid, {}))
        levels.update(num.levels)
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(aid, [None] * 10)
        if num_id not in self.used:
            # A list instance with start overrides restarts those levels when first used.
            self.used.add(num_id)
            for lvl, start in num.starts.items():
                if 0 <= lvl < 10:
                    counters[lvl] = start - 1
        current = counters[ilvl]
        counters[ilvl] = levels[ilvl].start if current is None else current + 1
        for deeper in range(ilvl + 1, 10):
            lv = levels.get(deeper)
            restart = lv.restart if lv and lv.restart is not None else deeper
            if restart and ilvl < restart:
                counters[deeper] = None
        lv = levels[ilvl]
        if lv.fmt in ("bullet", "none"):
            return ("", lv.fmt)

        def value(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            ref = levels.get(k, _Level())
            n = counters[k] if counters[k] is not None else ref.start
            assert n is not None
            fmt = "decimal" if lv.legal and k < ilvl else ref.fmt
            return _format(n, fmt)

        return re.sub(r"%([1-9])", value, lv.text).strip(), lv.fmt


def _format(n: int, fmt: str) -> str:
    if n > _MAX_SHAPED:
        return str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _roman(n: int) -> str:
    if n > _MAX_SHAPED:
        return str(n)
    out = ""
    for value, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out += numeral
            n -= value
    return out


# --- the body walk ----------------------------------------------------------------------

_SKIP = {_w("del"), _w("moveFrom"), _w("instrText"), _w("delText"), _w("rPr"), _w("pPr"), f"{{{_MC}}}Fallback", _w("txbxContent")}


@dataclass
class _Para:
    text: str
    page: int
    style: str | None
    bold: bool
    number: tuple[str, str] | None  # (marker as Word shows it, numFmt)
    toc: bool
    outline: int | None  # heading level set on the paragraph itself


class _Walker:
    """Walks the body in document order, keeping page count and footnote order as it goes."""

    def __init__(self, styles: _Styles, numbering: _Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.blocks: list[Block] = []
        self.page = 1
        self.pending_break = False
        self.saw_break = False
        self.notes: list[tuple[str, str, int]] = []  # (kind, id, page) in order of reference
        self.note_counts = {"footnote": 0, "endnote": 0}
        self.boxes: list[etree._Element] = []  # text boxes met inside a paragraph
        self.start_page: int | None = None  # page of the paragraph's first text
        self.numbered_level = 0  # level of the last numbered heading

    # page breaks: consecutive breaks with no content between them are one break, so that a
    # hard break and the rendered break Word records after it are not counted twice
    def _break(self) -> None:
        self.pending_break = True
        self.saw_break = True

    def _content(self) -> None:
        if self.pending_break:
            self.page += 1
            self.pending_break = False

    def body(self, body: etree._Element, toc: bool = False) -> None:
        for child in body:
            tag = child.tag
            if tag == _w("p"):
                self.paragraph(child, toc)
            elif tag == _w("tbl"):
                self.table(child)
            elif tag == _w("sdt"):
                gallery = child.find(f"{_w('sdtPr')}/{_w('docPartObj')}/{_w('docPartGallery')}")
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self.body(content, toc or "contents" in (_val(gallery) or "").lower())
            elif tag in (_w("customXml"), _w("ins")):
                self.body(child, toc)

    def read_paragraph(self, p: etree._Element, toc: bool = False) -> _Para | None:
        ppr = p.find(_w("pPr"))
        style = _val(ppr.find(_w("pStyle"))) if ppr is not None else None
        style = style or self.styles.default
        if (ppr is not None and _on(ppr.find(_w("pageBreakBefore")))) or self.styles.first(style, "page_break_before"):
            self._break()
        parts: list[str] = []
        self.start_page = None
        all_bold, _ = self._runs(p, parts, self.styles.first(style, "bold"))
        text = "".join(parts)
        outline = _val(ppr.find(_w("outlineLvl"))) if ppr is not None else None
        page = self.start_page or self.page
        number = self._number(ppr, style)
        if ppr is not None and ppr.find(_w("sectPr")) is not None:
            kind = _val(ppr.find(f"{_w('sectPr')}/{_w('type')}"))
            if kind != "continuous":
                self._break()  # a section break starts a new page after this paragraph
        if not text.strip() and number is None:
            return None
        return _Para(
            text,
            page,
            style,
            all_bold,
            number,
            toc or self.styles.name(style).startswith("toc"),
            int(outline) + 1 if outline and outline.isdigit() and int(outline) < 9 else None,
        )

    def _runs(self, el: etree._Element, parts: list[str], style_bold: bool) -> tuple[bool, bool]:
        """Append the text of the runs under el to parts: (all text bold, any text)."""
        all_bold, any_text = True, False
        for child in el:
            tag = child.tag
            if tag in _SKIP:
                if tag == _w("txbxContent"):
                    self.boxes.append(child)
                continue
            if tag == _w("r"):
                rpr = child.find(_w("rPr"))
                if rpr is not None and _on(rpr.find(_w("vanish"))):
                    continue  # hidden text
                b = rpr.find(_w("b")) if rpr is not None else None
                before = len(parts)
                self._run(child, parts)
                if any(s.strip() for s in parts[before:]):
                    any_text = True
                    all_bold = all_bold and (_on(b) if b is not None else style_bold)
            else:
                inner_bold, inner_text = self._runs(child, parts, style_bold)
                if inner_text:
                    any_text = True
                    all_bold = all_bold and inner_bold
        return all_bold and any_text, any_text

    def _run(self, r: etree._Element, parts: list[str]) -> None:
        for child in r:
            tag = child.tag
            if tag == _w("t"):
                if child.text:
                    self._content()
                    if self.start_page is None:
                        self.start_page = self.page
                    parts.append(child.text)
            elif tag == _w("tab"):
                parts.append(" ")
            elif tag in (_w("br"), _w("cr")):
                if child.get(_w("type")) == "page":
                    self._break()
                else:
                    parts.append("\n")
            elif tag == _w("lastRenderedPageBreak"):
                self._break()
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                kind = "footnote" if tag == _w("footnoteReference") else "endnote"
                self.notes.append((kind, child.get(_w("id"), ""), self.page))
                self.note_counts[kind] += 1
                count = self.note_counts[kind]
                parts.append(f"[{count if kind == 'footnote' else _roman(count).lower()}]")
            elif tag in (_w("drawing"), _w("pict"), f"{{{_MC}}}AlternateContent"):
                self._content()  # a picture is content: a page holding only a picture counts
                self.boxes += [
                    box for box in child.iter(_w("txbxContent")) if not any(a.tag == f"{{{_MC}}}Fallback" for a in box.iterancestors())
                ]

    def _number(self, ppr: etree._Element | None, style: str | None) -> tuple[str, str] | None:
        num = ppr.find(_w("numPr")) if ppr is not None else None
        num_id = _val(num.find(_w("numId"))) if num is not None else None
        ilvl_s = _val(num.find(_w("ilvl"))) if num is not None else None
        style_num, style_ilvl, carrier = self.styles.numbering(style)
        num_id = num_id if num_id is not None else style_num
        if not num_id or num_id == "0":
            return None
        ilvl = int(ilvl_s) if ilvl_s and ilvl_s.isdigit() else style_ilvl
        if ilvl is None:
            ilvl = self.numbering.level_for_style(num_id, carrier or style) or 0
        return self.numbering.next(num_id, ilvl)

    def paragraph(self, p: etree._Element, toc: bool = False) -> None:
        para = self.read_paragraph(p, toc)
        boxes, self.boxes = self.boxes, []
        if para is not None and para.text.strip():
            self.blocks.append(self._block(para))
        for box in boxes:  # text boxes (call-outs) follow the paragraph they are anchored in
            self.body(box)

    def _block(self, para: _Para) -> Block:
        text = " ".join(para.text.split()) if "\n" not in para.text else para.text.strip()
        marker, fmt = para.number if para.number else ("", "")
        if para.toc:
            kind: BlockKind = "heading" if is_contents_heading(text) else "paragraph"
            return Block(text, kind, para.page, level=1 if kind == "heading" else 0, in_contents=True)
        level = para.outline or self.styles.heading_level(para.style)
        shown = f"{marker} {text}".strip()
        if level is None and para.bold and _looks_like_heading(text):
            numbered = heading_number(shown)
            level = numbered[0] if numbered else unnumbered_level(shown, self.numbered_level)
        if level is not None:
            if heading_number(shown):
                self.numbered_level = level
            return Block(shown, "heading", para.page, level=min(level, 6))
        if marker and any(c.isdigit() for c in marker):
            return Block(text, "paragraph", para.page, number=marker)
        if marker:  # (a), i. : printed in the text, not a paragraph number
            return Block(f"{marker} {text}", "list_item", para.page)
        if fmt == "bullet" or self.styles.name(para.style).startswith("list"):
            return Block(text, "list_item", para.page)
        return Block(text, "paragraph", para.page)

    def table(self, tbl: etree._Element) -> None:
        # rows of nested tables are read with their cell
        for tr in _own(tbl, _w("tr"), (_w("tbl"),)):
            cells = list(_own(tr, _w("tc"), (_w("tr"), _w("tbl"))))
            if len(cells) == 1:
                self.body(cells[0])  # a one-cell row is a box around ordinary paragraphs
                continue
            texts: list[str] = []
            page = None
            for tc in cells:
                cell_parts = []
                for p in tc.iter(_w("p")):
                    para = self.read_paragraph(p)
                    self.boxes = []
                    if para is not None and para.text.strip():
                        page = page or para.page
                        marker = para.number[0] if para.number else ""
                        cell_parts.append(f"{marker} {para.text}".strip())
                if cell_parts:
                    texts.append(" ".join(" ".join(cell_parts).split()))
            if texts:
                self.blocks.append(Block(" | ".join(texts), "table_row", page or self.page))


def _own(el: etree._Element, tag: str, stop: tuple[str, ...]) -> Iterator[etree._Element]:
    """Descendants with a given tag that belong to el itself: not inside one another nor inside
    an element with a stop tag (cells and rows may sit inside content controls). Each element
    is visited once, so nested tables cost linear time."""
    stack = list(reversed(el))
    while stack:
        node = stack.pop()
        if node.tag == tag:
            yield node
        elif node.tag not in stop:
            stack.extend(reversed(node))


def _looks_like_heading(text: str) -> bool:
    """A short bold line without a closing full stop, as people make headings by hand."""
    words = text.split()
    return (
        0 < len(words) <= 12
        and len(text) <= 120
        and not re.search(r"[.;,:]$", text)
        and (text[:1].isupper() or text[:1].isdigit())
        and not CAPTION.match(text)
    )


def _contents_pass(blocks: list[Block]) -> None:
    """A typed contents list under a 'Contents' heading: 'Analysis<tab>12' lines."""
    for i, block in enumerate(blocks):
        if block.kind != "heading" or not is_contents_heading(block.text):
            continue
        entries = []
        for b in blocks[i + 1 :]:
            if b.kind == "heading" or not is_contents_entry(b.text):
                break
            entries.append(b)
        if len(entries) >= 2 or block.in_contents:
            block.in_contents = True
            for b in entries:
                b.in_contents = True
                b.kind = "paragraph"
        return


# --- notes --------------------------------------------------------------------------------


def _note_texts(part_root: etree._Element | None, tag: str, walker: _Walker) -> dict[str, str]:
    out: dict[str, str] = {}
    if part_root is None:
        return out
    for note in part_root.iter(_w(tag)):
        if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        texts = []
        for p in note.iter(_w("p")):
            parts: list[str] = []
            walker._runs(p, parts, False)
            texts.append("".join(parts))
        text = " ".join(" ".join(texts).split())
        if text:
            out[note.get(_w("id"), "")] = text
    return out


def _related_xml(document: docx.document.Document, reltype: str) -> etree._Element | None:
    try:
        part = document.part.part_related_by(reltype)
    except KeyError:
        return None
    element = getattr(part, "element", None)
    if element is not None:
        return element
    return etree.fromstring(part.blob, parser=etree.XMLParser(resolve_entities=False, huge_tree=True))


def _note_blocks(document: docx.document.Document, walker: _Walker) -> list[Block]:
    # Note text is read after the body so that markers inside notes do not disturb the order.
    refs = list(walker.notes)
    saved = walker.notes, walker.page, walker.pending_break
    texts = {
        "footnote": _note_texts(_related_xml(document, RT.FOOTNOTES), "footnote", walker),
        "endnote": _note_texts(_related_xml(document, RT.ENDNOTES), "endnote", walker),
    }
    walker.notes, walker.page, walker.pending_break = saved
    blocks = []
    counts = {"footnote": 0, "endnote": 0}
    for kind, nid, page in refs:
        counts[kind] += 1
        text = texts[kind].get(nid)
        if text:
            mark = counts[kind] if kind == "footnote" else _roman(counts[kind]).lower()
            blocks.append(Block(f"[{mark}] {text}", "footnote", page))
    return blocks


# --- entry point -------------------------------------------------------------------------------


def _check_container(path: Path) -> None:
    with open(path, "rb") as fh:
        data = fh.read(1 << 20)
    if data.startswith(_OLE_MAGIC):
        # Word saves an encrypted .docx inside an OLE container holding an 'EncryptedPackage'
        # stream; any other OLE file is most likely an old binary .doc renamed to .docx.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise IngestError(str(path), PASSWORD)
        raise IngestError(str(path), OLD_DOC)
    if not zipfile.is_zipfile(path):
        raise IngestError(str(path), DAMAGED)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if "word/document.xml" not in {i.filename for i in infos}:
                raise IngestError(str(path), DAMAGED)
    except zipfile.BadZipFile:
        raise IngestError(str(path), DAMAGED) from None
    _check_unpacked(path, infos)


def _check_unpacked(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a decompression bomb from the sizes the zip directory declares (Python's zipfile
    never unpacks a part beyond its declared size, so these bound what is read)."""
    if len(infos) > MAX_PARTS:
        raise IngestError(str(path), f"holds {len(infos):,} parts, more than a Word document has; it may be a zip bomb")
    total = sum(i.file_size for i in infos)
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
    if total > MAX_UNPACKED_MB * 1048576:
        raise IngestError(
            str(path),
            f"unpacks to {total / 1048576:,.0f} MB, over the {MAX_UNPACKED_MB} MB limit for a Word document; it may be a zip bomb",
        )
    if xml > MAX_XML_MB * 1048576:
        raise IngestError(
            str(path), f"holds {xml / 1048576:,.0f} MB of XML, over the {MAX_XML_MB} MB limit for a Word document; it may be a zip bomb"
        )


def read(path: Path) -> ReadResult:
    _check_container(path)
    try:
        document = docx.Document(str(path))
        styles = _Styles(document.styles.element)
        numbering = _Numbering(_related_xml(document, RT.NUMBERING), styles)
    except IngestError:
        raise
    except Exception:
        raise IngestError(str(path), DAMAGED) from None
    walker = _Walker(styles, numbering)
    walker.body(document.element.body)
    _contents_pass(walker.blocks)
    blocks = walker.blocks + _note_blocks(document, walker)
    if not walker.saw_break:
        for b in blocks:
            b.page = None
    title = (document.core_properties.title or "").strip()
    return ReadResult(blocks=blocks, pages=walker.page if walker.saw_break else 0, title=title)
