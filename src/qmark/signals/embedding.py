"""Sentence embeddings for the learned layer, offline and without PyTorch.

The default is WordLlama (the ``wordllama`` wheel carries its 256-dimension token-embedding table
and tokenizer): a sentence is the average of its tokens' vectors, so 6,000 sentences take about a
second on one core. We load the packaged files ourselves rather than through ``WordLlama.load()``,
which looks for the tokenizer in a folder the wheel does not use and then tries the network.

An embedder is chosen by name (``embedders``); a model file records the name it was fitted
with, so vectors from one embedder are never fed to weights fitted on another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


class EmbeddingUnavailable(RuntimeError):
    """The embedder's package or its packaged files are missing; str() says which and how to fix it."""


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


WORDLLAMA_WEIGHTS = "weights/l2_supercat_256.safetensors"
WORDLLAMA_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"


class WordLlamaEmbedder:
    """WordLlama's L2 'supercat' table, 256 dimensions, unit-length sentence vectors."""

    name = "wordllama-l2-256"
    dim = 256

    def __init__(self) -> None:
        try:
            import numpy as np
            import wordllama
            from safetensors import safe_open
            from wordllama.inference import WordLlamaInference
            from wordllama.wordllama import WordLlama
        except Exception as exc:  # noqa: BLE001 - a broken binary wheel raises more than ImportError
            raise EmbeddingUnavailable(
                f"the wordllama package is not installed or broken ({type(exc).__name__}); reinstall qmark"
            ) from None
        root = Path(wordllama.__file__).parent
        weights, tokenizer = root / WORDLLAMA_WEIGHTS, root / WORDLLAMA_TOKENIZER
        for f in (weights, tokenizer):
            if not f.is_file():
                raise EmbeddingUnavailable(f"{f}: missing from the wordllama package; reinstall wordllama")
        with safe_open(str(weights), framework="np", device="cpu") as fh:
            table = fh.get_tensor("embedding.weight")
        self._np = np
        self._model = WordLlamaInference(table, WordLlama.load_tokenizer(tokenizer))
        self.files = [weights, tokenizer]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        np = self._np
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._model.embed([t or " " for t in texts], norm=True), dtype=np.float32)
        return out


def _minilm() -> Embedder:
    # The optional [semantic] extra's all-MiniLM-L6-v2 (PyTorch): kept for comparison only.
    from qmark.signals.semantic import Embedder as MiniLM
    from qmark.signals.semantic import SemanticUnavailable

    try:
        model = MiniLM()
    except SemanticUnavailable as exc:
        raise EmbeddingUnavailable(str(exc)) from None
    model.name = "minilm-l6-384"  # type: ignore[attr-defined]
    model.dim = 384  # type: ignore[attr-defined]
    return model  # type: ignore[return-value]


embedders: dict[str, Callable[[], Embedder]] = {
    WordLlamaEmbedder.name: WordLlamaEmbedder,
    "minilm-l6-384": _minilm,
}
DEFAULT = WordLlamaEmbedder.name


@lru_cache(maxsize=2)
def get_embedder(name: str = DEFAULT) -> Embedder:
    """The named embedder, loaded once per process."""
    try:
        factory = embedders[name]
    except KeyError:
        raise EmbeddingUnavailable(f"unknown embedder '{name}'; known: {', '.join(sorted(embedders))}") from None
    return factory()
