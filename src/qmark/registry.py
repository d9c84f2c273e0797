"""Registries of the engine's components, in the spirit of spaCy's: readers by file suffix,
detectors and scorers by name. A profile names the detectors and scorer it runs; a learned model
is just another registered detector or scorer; a new reader registers a suffix.

    from qmark.registry import detectors

    @detectors.register("my_detector")
    def make(profile):          # called once per Engine
        return MyDetector(profile)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class RegistryError(LookupError):
    """No component of that name; str() lists the known ones."""


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self._lazy: dict[str, str] = {}  # name -> "module:attribute", imported on first use

    def register(self, name: str, obj: T | None = None) -> Callable[[T], T] | T:
        """Register obj under name; without obj, a decorator."""
        if obj is not None:
            self._items[name] = obj
            return obj

        def deco(o: T) -> T:
            self._items[name] = o
            return o

        return deco

    def register_lazy(self, name: str, target: str) -> None:
        """Register 'module:attribute', imported the first time the name is asked for, so a
        component's heavy imports are paid only by those who use it."""
        self._lazy[name] = target

    def get(self, name: str) -> T:
        if name not in self._items and name in self._lazy:
            module, _, attr = self._lazy[name].partition(":")
            self._items[name] = getattr(importlib.import_module(module), attr)
        try:
            return self._items[name]
        except KeyError:
            raise RegistryError(f"unknown {self.kind} '{name}'; known: {', '.join(self.names())}") from None

    def names(self) -> list[str]:
        return sorted({*self._items, *self._lazy})

    def __contains__(self, name: object) -> bool:
        return name in self._items or name in self._lazy


# Readers: suffix (".pdf") -> ReaderSpec (registered by qmark.ingest). Detectors: name -> factory(profile) -> Detector.
# Scorers: name -> factory(profile, thresholds) -> Scorer. Built-ins are registered lazily below
# so that importing the registry imports no parser or model.
readers: Registry = Registry("reader")
detectors: Registry = Registry("detector")
scorers: Registry = Registry("scorer")

detectors.register_lazy("cues", "qmark.signals.detect:CueDetector")
detectors.register_lazy("knowledge", "qmark.assess.knowledge:KnowledgeDetector")
detectors.register_lazy("semantic", "qmark.signals.semantic:SemanticDetector")
detectors.register_lazy("learned", "qmark.signals.learned:LearnedDetector")
scorers.register_lazy("thresholds", "qmark.assess.scoring:ThresholdScorer")
scorers.register_lazy("learned", "qmark.assess.rating_model:LearnedScorer")
