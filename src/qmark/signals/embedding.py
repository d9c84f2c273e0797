"""Sentence embeddings for the learned layer, offline and without PyTorch.

The default is WordLlama (the ``wordllama`` wheel carries its 256-dimension token-embedding table
and tokenizer): a sentence is the average of its tokens' vectors, so 6,000 sentences take well
under a second on one core. We read the packaged files ourselves and never import the
``wordllama`` package: ``WordLlama.load()`` looks for the tokenizer in a folder the wheel does not
use and then tries the network, and importing the package pulls in requests and calls
``logging.basicConfig``. The vectors are those of ``WordLlamaInference.embed(texts, norm=True)``,
bit for bit (tests/test_embedding.py compares the two).

An embedder is chosen by name (``embedders``); a model file records the name it was fitted
with, so vectors from one embedder are never fed to weights fitted on another.
"""

from __future__ import annotations

import importlib.util
import itertools
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


# Sentences tokenized and pooled at a time: bounds the (tokens x 256) float32 block to tens of MB.
_CHUNK = 4096


class WordLlamaEmbedder:
    """WordLlama's L2 'supercat' table, 256 dimensions, unit-length sentence vectors."""

    name = "wordllama-l2-256"
    dim = 256

    def __init__(self) -> None:
        try:
            import numpy as np
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except Exception as exc:  # noqa: BLE001 - a broken binary wheel raises more than ImportError
            raise EmbeddingUnavailable(
                f"the wordllama package's dependencies are not installed or broken ({type(exc).__name__}); reinstall qmark"
            ) from None
        # find_spec locates the package without running its __init__ (see the module docstring).
        spec = importlib.util.find_spec("wordllama")
        if spec is None or not spec.submodule_search_locations:
            raise EmbeddingUnavailable("the wordllama package is not installed; reinstall qmark")
        root = Path(next(iter(spec.submodule_search_locations)))
        weights, tokenizer = root / WORDLLAMA_WEIGHTS, root / WORDLLAMA_TOKENIZER
        for f in (weights, tokenizer):
            if not f.is_file():
                raise EmbeddingUnavailable(f"{f}: missing from the wordllama package; reinstall wordllama")
        # Kept as stored (float16): only the rows a text uses are widened to float32, which is exact,
        # so vectors equal those from a table widened whole, without widening 8 million values up front.
        self._table = load_file(str(weights))["embedding.weight"]
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.no_truncation()  # as WordLlamaInference; no padding: we pool each text's own tokens
        self._np = np
        self.files = [weights, tokenizer]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        np = self._np
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for at in range(0, len(texts), _CHUNK):
            self._pool([t or " " for t in texts[at : at + _CHUNK]], out[at : at + _CHUNK])
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def _pool(self, texts: list[str], out: np.ndarray) -> None:
        """The mean of each text's token vectors, into out. WordLlama adds a padded batch's rows one
        position after another; float addition is not associative, so we add in that same order:
        position by position over the texts still that long (longest first), never pairwise."""
        np = self._np
        # encode_batch_fast (tokenizers >= 0.21) gives the same ids without computing offsets.
        encode = getattr(self._tokenizer, "encode_batch_fast", self._tokenizer.encode_batch)
        encoded = encode(texts, add_special_tokens=False)
        lengths = np.fromiter((len(e.ids) for e in encoded), dtype=np.intp, count=len(encoded))
        total = int(lengths.sum())
        if not total:
            return
        ids = np.fromiter(itertools.chain.from_iterable(e.ids for e in encoded), dtype=np.intp, count=total)
        np.clip(ids, 0, self._table.shape[0] - 1, out=ids)
        # Widen only the distinct tokens used (float16 -> float32 is exact, and slow in numpy).
        used, token = np.unique(ids, return_inverse=True)
        rows = self._table[used].astype(np.float32)
        order = np.argsort(-lengths, kind="stable")
        length = lengths[order]
        first = (np.cumsum(lengths) - lengths)[order]  # where each text's tokens start in ids
        acc = np.zeros((len(texts), self.dim), dtype=np.float32)
        still = np.searchsorted(-length, -np.arange(int(length[0])), side="left")  # texts longer than each position
        acc[: still[0]] = rows[token[first[: still[0]]]]
        for pos in range(1, int(length[0])):
            k = still[pos]
            acc[:k] += rows[token[first[:k] + pos]]
        acc /= np.maximum(length, 1).astype(np.float32)[:, None]
        out[order] = acc


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
