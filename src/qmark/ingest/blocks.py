"""What every reader produces: an ordered list of blocks, before numbering and segmentation.

Readers know their format (pages, styles, list numbering); the builder knows the domain
(printed paragraph numbers, section roles, sentences). Blocks are the hand-over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table_row", "footnote"]


@dataclass
class Block:
    text: str
    kind: BlockKind = "paragraph"
    page: int | None = None
    level: int = 0  # heading level (1 = top); 0 for non-headings
    number: str | None = None  # a number the format itself supplies (Word auto-numbering)
    in_contents: bool = False  # recognised as part of a contents page


@dataclass
class Noise:
    text: str
    page: int | None
    reason: str


@dataclass
class ReadResult:
    """A reader's output for one file."""

    blocks: list[Block]
    pages: int = 0
    noise: list[Noise] | None = None
    title: str = ""
    ocr: list[float | None] | None = None  # read by OCR: each page's mean word confidence (0-100)
