"""Annotations: a label on a sentence, with the words that triggered it and why."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Annotation:
    label: str
    sentence: int  # Sentence.index
    paragraph: int  # Paragraph.index
    start: int  # offsets of the matched cue in Report.text
    end: int
    reason: str
    score: float


@dataclass
class Annotations:
    items: list[Annotation] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_sentence: dict[int, list[Annotation]] = {}
        self._by_label: dict[str, list[Annotation]] = {}
        for a in self.items:
            self._by_sentence.setdefault(a.sentence, []).append(a)
            self._by_label.setdefault(a.label, []).append(a)

    def of_sentence(self, index: int) -> list[Annotation]:
        return self._by_sentence.get(index, [])

    def labels_of(self, index: int) -> set[str]:
        return {a.label for a in self.of_sentence(index)}

    def with_label(self, label: str) -> list[Annotation]:
        return self._by_label.get(label, [])

    def count(self, label: str) -> int:
        return len(self._by_label.get(label, []))
