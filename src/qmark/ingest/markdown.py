"""Markdown reader. markdown-it gives the block structure; we keep each block's source text
(so printed paragraph numbers such as '23.' survive, which list rendering would renumber)."""

from __future__ import annotations

import re
from bisect import bisect_left
from pathlib import Path

from markdown_it import MarkdownIt

from qmark.ingest.blocks import Block, ReadResult
from qmark.ingest.text import decode

_md = MarkdownIt("commonmark").enable("table")
_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]]+)\]:\s*")
# Inline clean-up runs on text anyone can upload, so every pattern here is linear: a scan that
# fails stops at the next opening character instead of running on to the end of the text.
_FOOTNOTE_REF = re.compile(r"\[\^([^\[\]]+)\]")
_LINK = re.compile(r"!?\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_HTML_TAG = re.compile(r"<[^<>\n]+>")
_DELIMITERS = ("**", "__", "*", "_", "`")  # tried in this order at each position
_DELIMITER_START = re.compile(r"[*_`]")


def _strip_emphasis(text: str) -> str:
    r"""Remove emphasis and code delimiters, keeping what they enclose: '**a** b' -> 'a b'.

    The same result as re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text), but in
    linear time: that pattern rescans to the end of the line from every unmatched delimiter,
    so 48 KB of '*a ' took half a minute. Here each closing delimiter's positions are listed
    once and an opener finds its closer by binary search.
    """
    if not _DELIMITER_START.search(text):
        return text
    closers: dict[str, list[int]] = {}
    for d in _DELIMITERS:
        # a closer: the delimiter right after a non-space character
        closers[d] = [m.start() for m in re.finditer(rf"(?<=\S)(?={re.escape(d)})", text)]
    newlines = [m.start() for m in re.finditer("\n", text)]
    out: list[str] = []
    pos = 0
    i = 0
    n = len(text)
    while True:
        m = _DELIMITER_START.search(text, i)
        if m is None:
            break
        i = m.start()
        matched = False
        for d in _DELIMITERS:
            k = len(d)
            if not text.startswith(d, i) or i + k >= n or text[i + k].isspace():
                continue
            # the closer must follow at least one character of content, on the same line
            cands = closers[d]
            c = bisect_left(cands, i + k + 1)
            if c == len(cands):
                continue
            j = cands[c]
            nl = bisect_left(newlines, i + k)
            if nl < len(newlines) and newlines[nl] < j:
                continue
            out.append(text[pos:i])
            out.append(text[i + k : j])
            pos = i = j + k
            matched = True
            break
        if not matched:
            i += 1
    out.append(text[pos:])
    return "".join(out)


def _inline(text: str) -> str:
    text = _FOOTNOTE_REF.sub(r"[\1]", text)
    text = _LINK.sub(r"\1", text)
    for _ in range(2):
        text = _strip_emphasis(text)
    text = _HTML_TAG.sub("", text)
    return text.replace("\\", "")


def parse(source: str) -> ReadResult:
    lines = source.splitlines()
    tokens = _md.parse(source)
    blocks: list[Block] = []
    depth_list = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            blocks.append(Block(_inline(tokens[i + 1].content), "heading", level=int(tok.tag[1])))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth_list += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth_list -= 1
        elif tok.type == "list_item_open" and tok.map:
            # A list item keeps its own marker: in reports '23.' is the printed number.
            first_line = lines[tok.map[0]].strip()
            marker = re.match(r"^(\d{1,3}[.)]|[-*+])\s+", first_line)
            body_tokens = []
            j = i + 1
            nest = 1
            while j < len(tokens) and nest:
                if tokens[j].type == "list_item_open":
                    nest += 1
                elif tokens[j].type == "list_item_close":
                    nest -= 1
                if tokens[j].type == "inline" and nest == 1:
                    body_tokens.append(tokens[j].content)
                j += 1
            text = " ".join(body_tokens)
            if marker and marker.group(1)[0].isdigit():
                text = f"{marker.group(1)} {text}"
            blocks.append(Block(_inline(text), "list_item"))
            # Nested items are read by the outer loop as their own blocks.
            i += 1
            while i < len(tokens) and tokens[i].type not in ("list_item_open", "list_item_close", "bullet_list_open", "ordered_list_open"):
                i += 1
            continue
        elif tok.type == "tr_open":
            cells = []
            j = i + 1
            while tokens[j].type != "tr_close":
                if tokens[j].type == "inline":
                    cells.append(_inline(tokens[j].content))
                j += 1
            blocks.append(Block(" | ".join(c for c in cells), "table_row"))
            i = j + 1
            continue
        elif tok.type == "paragraph_open" and depth_list == 0:
            content = tokens[i + 1].content
            m = _FOOTNOTE_DEF.match(content)
            if m:
                blocks.append(Block(f"[{m.group(1)}] " + _inline(content[m.end() :]), "footnote"))
            else:
                blocks.append(Block(_inline(content), "paragraph"))
            i += 3
            continue
        elif tok.type in ("fence", "code_block"):
            blocks.append(Block(tok.content, "paragraph"))
        i += 1
    return ReadResult(blocks=blocks)


def read(path: Path) -> ReadResult:
    return parse(decode(path.read_bytes(), str(path)))
