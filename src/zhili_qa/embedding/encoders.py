"""The encoders: turn questions and passages into L2-normalised float32 vectors.

Every encoder follows the :class:`Encoder` protocol. :class:`SentenceTransformerEncoder` wraps any
sentence-transformers model on torch; :class:`~zhili_qa.embedding.onnx.OnnxEncoder` runs the same model once
exported to ONNX (the default: the same vectors, a third of the latency, no torch import when the app starts);
:class:`HashingEncoder` is a tiny deterministic stand-in for the fast tests of the index and the pipeline.
Which one a setting names is decided in :mod:`zhili_qa.embedding.loader`.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

BATCH_SIZE = 32
INT8_SUFFIX = "+int8"
DEFAULT_THREADS = 2
E5_PROMPTS = ("query: ", "passage: ")
BGE_ZH_QUERY_PROMPT = "为这个句子生成表示以用于检索相关文章："


def prepare_runtime() -> None:
    """Set the environment the model libraries read when they are first imported or first fork.

    Called where a model is loaded, not when this module is imported: importing a module should not change
    the process. ``setdefault`` throughout, so a caller's own choice wins.
    """
    # huggingface_hub reads this when first imported; a machine that can reach the hub may opt in with
    # HF_HUB_OFFLINE=0.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # Rust tokenizers would otherwise spin up its own thread pool beside torch's and warn after every fork
    # (uvicorn, gradio); batches here are small, so parallel tokenisation gains nothing.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # OpenMP threads that spin while waiting are ruinous when the 2 cores are shared: measured here beside two
    # busy processes, a single query took ~360 ms with the default policy and ~55 ms with PASSIVE. libgomp reads
    # this when torch is first loaded, which is why torch is only ever imported after this call.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@runtime_checkable
class Encoder(Protocol):
    """Anything that embeds text for retrieval; rows are float32, L2-normalised, shape (n, dimension)."""

    name: str
    dimension: int
    fingerprint: str  # differs whenever the same name would give other vectors (new weights, a new export)

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray: ...


def family_prompts(name: str) -> tuple[str, str]:
    """(query prefix, passage prefix) for models that do not declare prompts themselves.

    e5 models were trained with "query: "/"passage: " and lose noticeably without them; the Chinese bge
    models use an instruction on the query side only.
    """
    lowered = name.lower()
    if "e5" in lowered:
        return E5_PROMPTS
    if "bge" in lowered and "zh" in lowered:
        return BGE_ZH_QUERY_PROMPT, ""
    return "", ""


class SentenceTransformerEncoder:
    """A sentence-transformers model on CPU, with the query/passage prefixes its family expects."""

    def __init__(
        self,
        path_or_name: str,
        *,
        name: str | None = None,
        batch_size: int = BATCH_SIZE,
        num_threads: int | None = DEFAULT_THREADS,
        local_files_only: bool = False,
        quantize: bool = False,
    ) -> None:
        prepare_runtime()
        import torch
        from sentence_transformers import SentenceTransformer

        if num_threads:
            torch.set_num_threads(thread_count(num_threads))
        self.path_or_name = path_or_name
        self.name = name or path_or_name
        self.batch_size = batch_size
        self._model: SentenceTransformer = SentenceTransformer(
            path_or_name, device="cpu", local_files_only=local_files_only
        )
        if any(p.dtype != torch.float32 for p in self._model.parameters()):
            # Half-precision checkpoints load as such under dtype="auto"; on CPU fp16 is slower and lossier.
            self._model.float()
        self._model.eval()
        if quantize:
            self.quantize()
        # get_embedding_dimension is the sentence-transformers 6 name; 5 only has the older one.
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            raise ValueError(f"{path_or_name} does not report an embedding dimension")
        self.dimension: int = int(dim)
        self.fingerprint = hashlib.sha256(folder_stamp(path_or_name).encode()).hexdigest()[:16]
        self.query_prefix, self.passage_prefix = self._prefixes()

    def quantize(self) -> None:
        """int8 weights for every Linear layer (torch dynamic quantisation): a one-question encoding
        on this 2-core CPU drops from ~50 to ~38 ms; vectors keep ~0.98 cosine with the float ones,
        about what the 4-bit source weights already differ from the original model."""
        import warnings

        import torch

        with warnings.catch_warnings():  # torch announces a future move of this API to torchao
            warnings.simplefilter("ignore")
            torch.ao.quantization.quantize_dynamic(self._model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
        self.name = f"{self.name}{INT8_SUFFIX}"  # an index built with it must not be read with float weights

    @property
    def model(self) -> SentenceTransformer:
        return self._model

    def _prefixes(self) -> tuple[str, str]:
        prompts = dict(getattr(self._model, "prompts", None) or {})
        query = prompts.get("query") or ""
        passage = prompts.get("passage") or prompts.get("document") or ""
        if query or passage:
            return query, passage
        # sentence-transformers 6 fills in empty query/document prompts, so "no prompts" looks like this.
        return family_prompts(f"{self.path_or_name} {self.name}")

    @property
    def max_seq_length(self) -> int:
        return int(self._model.max_seq_length or 0)

    def _encode(self, texts: list[str], prefix: str, progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            prompt=prefix or None,
            batch_size=self.batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix, progress=False)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self.passage_prefix, progress=progress)


def thread_count(wanted: int | None) -> int:
    # Other work shares this 2-core machine; more threads than cores only adds contention.
    return max(1, min(wanted or DEFAULT_THREADS, os.cpu_count() or DEFAULT_THREADS))


class HashingEncoder:
    """Character uni+bigram counts hashed into a few dimensions: deterministic, instant, no model.

    For the fast test layer (the index, retrieval and answering stages without the real model); it knows
    nothing about meaning beyond shared characters.
    """

    def __init__(self, dimension: int = 64) -> None:
        self.name = "hashing-test"
        self.dimension = dimension
        self.fingerprint = f"crc32-{dimension}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)]
        for gram in grams:
            # crc32, not hash(): str hashes are salted per process and vectors must survive a restart.
            vec[zlib.crc32(gram.encode("utf-8")) % self.dimension] += 1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:  # empty text still has to be a unit vector
            vec[:] = 1.0
            norm = float(np.sqrt(self.dimension))
        return vec / norm

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._vector(text)
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts)


def folder_stamp(target: str) -> str:
    """What identifies a model folder's content cheaply: its files' names, sizes and mtimes (a hub id as given)."""
    folder = Path(target)
    if not folder.is_dir():
        return target
    entries = sorted(
        f"{p.relative_to(folder)}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in folder.rglob("*") if p.is_file()
    )
    return "\n".join(entries)
