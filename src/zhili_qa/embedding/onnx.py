"""The ONNX path: export a sentence-transformers model to ONNX (optionally int8) once, at setup, and run it.

Why: on this 2-core CPU one short question through torch costs ~38 ms even with int8 Linear layers, most of
it per-operator overhead; the same weights under ONNX Runtime take ~13 ms, and the app then starts without
importing torch at all. The export covers models made of a Transformer, mean or CLS pooling and an optional
Normalize (e5, bge, MiniLM...); anything else stays on the torch path (see ``loader.load_encoder``).

The folder holds ``model.onnx`` (hidden states for input_ids + attention_mask), the tokenizer's
``tokenizer.json`` and ``zhili_onnx.json`` with what the runtime needs (pooling, prompts, lengths, pad token)
plus a stamp of the source model, so a re-converted or swapped source triggers a new export. It is written
into a temporary sibling and renamed into place when complete; the metadata file is written last.
:class:`OnnxEncoder` reads that metadata, so the format is written and read in this one module.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm.auto import tqdm

from ..files import read_json_object, replace_dir, sha256_file
from .encoders import DEFAULT_THREADS, SentenceTransformerEncoder, prepare_runtime, thread_count

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

# Bump when the exported graph or the metadata changes, so older exports are redone.
EXPORT_VERSION = "1"
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
META_FILE = "zhili_onnx.json"
SUPPORTED_POOLING = ("mean", "cls")
ONNX_OPSET = 18
ONNX_SUFFIX = "+onnx"  # added to the model's name, so an index records which runtime built it
ONNX_BATCH_SIZE = 8  # measured: ~15% more passages/s than 32 under ONNX Runtime (less padding, warmer caches)
# The exporter's graph passes log every step at INFO; the CLI's INFO level would print hundreds of lines.
CHATTY_EXPORT_LOGGERS = ("onnx_ir", "onnxscript", "torch.onnx")


class NotExportable(Exception):
    """The model has modules the ONNX path does not reproduce; it is used through torch instead."""


def export_dir(models_dir: Path, model_name: str, *, quantize: bool) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model_name).strip("_") or "model"
    return Path(models_dir) / "onnx" / f"{slug}{'-int8' if quantize else ''}"


def read_meta(folder: Path) -> dict | None:
    return read_json_object(folder / META_FILE)


def is_current(folder: Path, stamp: str) -> bool:
    """True when ``folder`` holds a finished export of this source by this export version, files intact."""
    meta = read_meta(folder)
    if meta is None or meta.get("export_version") != EXPORT_VERSION or meta.get("source_stamp") != stamp:
        return False
    try:
        return (folder / ONNX_FILE).stat().st_size == meta.get("onnx_bytes") and sha256_file(
            folder / ONNX_FILE
        ) == meta.get("onnx_sha256")
    except OSError:
        return False


def pooling_mode(model: SentenceTransformer) -> str:
    """The pooling the export reproduces, or NotExportable naming what it does not."""
    kinds = [type(module).__name__ for module in model]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise NotExportable(f"modules {kinds}")
    pooling = model[1]
    mode = str(getattr(pooling, "pooling_mode", ""))
    if mode not in SUPPORTED_POOLING or not getattr(pooling, "include_prompt", True):
        raise NotExportable(f"pooling {pooling.get_config_dict()}")
    return mode


def export(encoder: SentenceTransformerEncoder, out_dir: Path, *, stamp: str, quantize: bool) -> Path:
    """Write ``out_dir`` for the float model held by ``encoder``; ~30 s for e5-small on 2 cores."""
    mode = pooling_mode(encoder.model)
    for chatty in CHATTY_EXPORT_LOGGERS:
        logging.getLogger(chatty).setLevel(logging.WARNING)
    max_length = encoder.max_seq_length or 512
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        _write_model(_write_float_graph(encoder, tmp, max_length), tmp / ONNX_FILE, quantize=quantize)
        tokenizer = encoder.model.tokenizer
        tokenizer.backend_tokenizer.save(str(tmp / TOKENIZER_FILE))
        meta = {
            "export_version": EXPORT_VERSION,
            "source_stamp": stamp,
            "model": encoder.name,
            "quantized": quantize,
            "pooling": mode,
            "query_prefix": encoder.query_prefix,
            "passage_prefix": encoder.passage_prefix,
            "max_seq_length": max_length,
            "dimension": encoder.dimension,
            "pad_token": tokenizer.pad_token,
            "pad_token_id": tokenizer.pad_token_id,
            "onnx_bytes": (tmp / ONNX_FILE).stat().st_size,
            "onnx_sha256": sha256_file(tmp / ONNX_FILE),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (tmp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700; the model should read like any other file
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("exported %s to ONNX at %s in %.1f s", encoder.name, out_dir, time.perf_counter() - started)
    return out_dir


def _write_float_graph(encoder: SentenceTransformerEncoder, folder: Path, max_length: int) -> Path:
    """The transformer's float graph (hidden states for any batch and length up to ``max_length``)."""
    import torch

    transformer = encoder.model[0].auto_model.float().eval()
    sample = encoder.model.tokenizer(
        ["query: 种牙多少钱", "passage: 单颗常规种植牙全流程总价不超过4275元。"], padding=True, return_tensors="pt"
    )
    batch, length = torch.export.Dim("batch"), torch.export.Dim("length", max=max_length)
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # the exporter narrates axis renames and deprecations
        program = torch.onnx.export(
            _hidden_states(transformer),
            (sample["input_ids"], sample["attention_mask"]),
            input_names=["input_ids", "attention_mask"],
            output_names=["hidden"],
            dynamic_shapes={"input_ids": {0: batch, 1: length}, "attention_mask": {0: batch, 1: length}},
            opset_version=ONNX_OPSET,
            dynamo=True,
            optimize=True,
            verbose=False,
        )
    graph = folder / "float.onnx"
    program.save(str(graph))
    return graph


def _write_model(graph: Path, model: Path, *, quantize: bool) -> None:
    """``model`` from the float ``graph``: int8 weights when ``quantize``; the float graph's files removed."""
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        root = logging.getLogger()
        was_disabled, root.disabled = root.disabled, True  # it logs a pre-processing hint at the root logger
        try:
            quantize_dynamic(str(graph), str(model), weight_type=QuantType.QInt8)
        finally:
            root.disabled = was_disabled
    else:
        graph.rename(model)
    for leftover in graph.parent.glob(f"{graph.name}*"):
        leftover.unlink()


class OnnxEncoder:
    """A model exported by :func:`export`, run by ONNX Runtime with the ``tokenizers`` library."""

    def __init__(
        self, folder: Path, *, name: str, batch_size: int = ONNX_BATCH_SIZE, num_threads: int | None = DEFAULT_THREADS
    ) -> None:
        prepare_runtime()
        import onnxruntime as ort
        from tokenizers import Tokenizer

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
        options.intra_op_num_threads = thread_count(num_threads)
        options.inter_op_num_threads = 1
        # Spinning worker threads steal the shared cores from everything else (see encoders.prepare_runtime).
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


def _hidden_states(transformer):
    """The transformer as a module returning its last hidden states: pooling is a few numpy lines at run time."""
    import torch

    class HiddenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask):
            return self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    return HiddenStates().eval()
