"""HTML reader (reports published as web pages, e.g. on GOV.UK or a partnership's site).

Headings, paragraphs, list items and table rows in document order; site furniture (scripts,
styles, navigation, page header and footer) is skipped. A browser shows the numbers of an
ordered list although they are not in the text, so those become the block's number.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Doctype, ProcessingInstruction

from qmark.ingest.blocks import Block, BlockKind, ReadResult
from qmark.ingest.errors import IngestError
from qmark.ingest.text import decode

# Real pages nest a few dozen elements deep; the walk below recurses once per level.
MAX_DEPTH = 512

_SKIP = frozenset({"script", "style", "nav", "noscript", "template", "head", "svg", "button", "form", "iframe", "select", "object"})
_SITE_FURNITURE = frozenset({"header", "footer"})  # skipped unless part of the report itself
_CONTENT = frozenset({"main", "article", "section"})
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_CONTAINERS = frozenset(
    {
        "html",
        "body",
        "main",
        "article",
        "section",
        "div",
        "aside",
        "blockquote",
        "figure",
        "details",
        "center",
        "dl",
        "ul",
        "ol",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "figcaption",
        "fieldset",
        "address",
    }
)
_PARAGRAPHS = frozenset({"p", "pre", "dt", "dd", "summary"})
_FOOTNOTE_ID = re.compile(r"^(?:fn|footnote|note|endnote)[:\-_]?(\w+)$", re.I)
_FOOTNOTE_REF = re.compile(r"^#(?:fn|footnote|note|endnote)[:\-_]?\w+$", re.I)
_NO_MARKERS = re.compile(r"list-style(?:-type)?\s*:\s*none", re.I)


def read(path: Path) -> ReadResult:
    return parse(decode(path.read_bytes(), str(path)))


def parse(source: str) -> ReadResult:
    soup = BeautifulSoup(source, "html.parser")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text(" ").split()) if title_tag else ""
    for ref in soup.find_all("a", href=_FOOTNOTE_REF):
        # a superscript note reference reads "guidance1" as text; show it as "guidance[1]"
        label = ref.get_text("").strip()
        if label and not label.startswith("["):
            ref.string = f"[{label}]"
    blocks: list[Block] = []
    root = soup.body or soup
    _walk(root, blocks, _prepare(soup, root))
    return ReadResult(blocks=blocks, title=title)


_BLOCK_TAGS = frozenset(list(_HEADINGS) + list(_PARAGRAPHS) + ["ol", "ul", "table", "div"])


def _prepare(soup: BeautifulSoup, root: Tag) -> set[int]:
    """One pass over the tree, without recursion: refuse a page nested deeper than any real
    report, mark the site's own header and footer hidden (an article's own <header> holds its
    title and is kept), and return the ids of the elements holding a block element (heading,
    paragraph, list, table, div), each block marking its ancestors up to one already marked."""
    depth: dict[int, int] = {id(soup): 0}
    in_content: set[int] = set()
    with_blocks: set[int] = set()
    for el in soup.descendants:
        if not isinstance(el, Tag):
            continue
        parent = el.parent
        d = depth.get(id(parent), 0) + 1
        if d > MAX_DEPTH:
            raise IngestError("", f"its HTML is nested more than {MAX_DEPTH} elements deep; no real report is")
        depth[id(el)] = d
        if id(parent) in in_content or (parent is not None and parent.name in _CONTENT):
            in_content.add(id(el))
        if el.name in _SITE_FURNITURE and id(el) not in in_content:
            el.attrs["hidden"] = ""
        if el.name in _BLOCK_TAGS:
            up = parent
            while up is not None and id(up) not in with_blocks:
                with_blocks.add(id(up))
                up = up.parent
    return with_blocks


def _skipped(tag: Tag) -> bool:
    """Not shown, or not part of the report: scripts, navigation, hidden elements (the site's
    header and footer were marked hidden by _prepare)."""
    if tag.name in _SKIP or tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    return bool(re.search(r"display\s*:\s*none", str(tag.get("style", "") or "")))


_NOT_TEXT = (Comment, Doctype, ProcessingInstruction)


def _text(el: Tag | NavigableString) -> str:
    """Visible text of an element, <br> as a line break, skipped elements left out. Iterative
    and joined once, so its time is linear in the size of the element however deep it nests."""
    out: list[str] = []
    stack: list[Tag | NavigableString] = [el]
    while stack:
        node = stack.pop()
        if isinstance(node, _NOT_TEXT):
            continue
        if isinstance(node, NavigableString):
            out.append(str(node))
        elif not _skipped(node):
            if node.name == "br":
                out.append("\n")
            else:
                stack.extend(reversed(node.contents))  # type: ignore[arg-type]
    return "".join(out)


def _flush(inline: list[str], blocks: list[Block]) -> None:
    text = _tidy("".join(inline))
    if text:
        blocks.append(Block(text, "paragraph"))
    inline.clear()


def _tidy(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())


def _walk(el: Tag, blocks: list[Block], with_blocks: set[int]) -> None:
    """Blocks in document order. with_blocks: ids of the elements holding a block element."""
    inline: list[str] = []  # loose text and inline elements between blocks
    for child in el.children:
        if not isinstance(child, Tag):
            if not isinstance(child, (Comment, Doctype, ProcessingInstruction)):
                inline.append(str(child))
            continue
        name = child.name
        if _skipped(child):
            continue
        if name in _HEADINGS:
            _flush(inline, blocks)
            text = " ".join(_text(child).split())
            if text:
                blocks.append(Block(text, "heading", level=_HEADINGS[name]))
        elif name in _PARAGRAPHS:
            _flush(inline, blocks)
            text = _tidy(_text(child))
            if text:
                blocks.append(Block(text, "paragraph"))
        elif name in ("ol", "ul"):
            _flush(inline, blocks)
            _list(child, blocks, with_blocks)
        elif name == "tr":
            _flush(inline, blocks)
            _row(child, blocks)
        elif name in _CONTAINERS or id(child) in with_blocks:
            _flush(inline, blocks)
            _walk(child, blocks, with_blocks)
        else:
            inline.append(_text(child))
    _flush(inline, blocks)


def _list(lst: Tag, blocks: list[Block], with_blocks: set[int]) -> None:
    numbered = lst.name == "ol" and lst.get("type", "1") == "1" and not _NO_MARKERS.search(str(lst.get("style", "") or ""))
    start = lst.get("start", "1")
    n = int(str(start)) - 1 if str(start).lstrip("-").isdigit() else 0
    step = -1 if lst.has_attr("reversed") else 1
    if lst.has_attr("reversed") and not lst.has_attr("start"):
        n = len(lst.find_all("li", recursive=False)) + 1
    for li in lst.find_all("li", recursive=False):
        if _skipped(li):
            continue
        value = li.get("value")
        n = int(str(value)) if value and str(value).lstrip("-").isdigit() else n + step
        own = [c for c in li.children if not (isinstance(c, Tag) and c.name in ("ol", "ul", "table"))]
        text = _tidy("".join(_text(c) for c in own)).rstrip("\u21a9\ufe0e\u2191 ")  # type: ignore[arg-type]
        note = _FOOTNOTE_ID.match(str(li.get("id", "") or ""))
        if text:
            if note:
                kind: BlockKind = "footnote"
                blocks.append(Block(f"[{note.group(1)}] {text}", kind))
            else:
                # the browser shows the number; the text may carry its own ('4.12 ...') instead
                number = str(n) if numbered and not re.match(r"^\s*(?:para\s*)?\d", text, re.I) else None
                blocks.append(Block(text, "list_item", number=number))
        for nested in li.find_all(["ol", "ul", "table"], recursive=False):
            if nested.name == "table":
                _walk(nested, blocks, with_blocks)
            else:
                _list(nested, blocks, with_blocks)


def _row(tr: Tag, blocks: list[Block]) -> None:
    cells = [" ".join(_text(c).split()) for c in tr.find_all(["td", "th"], recursive=False)]
    cells = [c for c in cells if c]
    if cells:
        blocks.append(Block(" | ".join(cells), "table_row"))
