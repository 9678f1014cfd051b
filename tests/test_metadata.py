"""Bulletin metadata: NAME.toml beside NAME.txt, validated, carried by every citation, part of the index's identity."""

import pytest

from bulletins import SMALL
from zhili_qa import index as store
from zhili_qa.corpus import load_corpus, read_meta
from zhili_qa.errors import CorpusError

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def corpus_with(tmp_path, toml: str | None):
    (tmp_path / "small.txt").write_text(SMALL, encoding="utf-8")
    if toml is not None:
        (tmp_path / "small.toml").write_text(toml, encoding="utf-8")
    return tmp_path / "small.txt"


def test_shipped_metadata_states_only_what_the_text_supports():
    meta = read_meta(ROOT / "data" / "bulletin.txt")
    assert (meta.period, meta.publisher, meta.published, meta.url) == ("2023", "区纪委区监委", None, None)
    assert meta.title
    text = (ROOT / "data" / "bulletin.txt").read_text(encoding="utf-8")
    assert text.startswith("2023年以来,区纪委区监委")


def test_metadata_is_read_and_a_missing_file_is_all_unknown(tmp_path):
    path = corpus_with(tmp_path, 'title = "县公告"\npublished = 2025-03-01\nperiod = 2024\nurl = "https://x.cn/a"\n')
    meta = load_corpus(tmp_path).documents[0].meta
    assert (meta.title, meta.published, meta.period, meta.url, meta.last_year) == (
        "县公告",
        "2025-03-01",
        "2024",
        "https://x.cn/a",
        2024,
    )
    path.with_suffix(".toml").unlink()
    assert load_corpus(tmp_path).documents[0].meta.period is None


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ('published = "2024-13-01"\n', "published"),
        ('published = "2024/03/01"\n', "published"),
        ('period = "去年"\n', "period"),
        ('url = "ftp://x"\n', "url"),
        ('author = "某人"\n', "author"),
        ('title = ""\n', "title"),
        ("title = [1]\n", "title"),
        ("title = \n", "TOML"),
    ],
)
def test_bad_metadata_is_refused_in_chinese_naming_the_field(tmp_path, toml, named):
    corpus_with(tmp_path, toml)
    with pytest.raises(CorpusError) as raised:
        load_corpus(tmp_path)
    message = str(raised.value)
    assert named in message and "small.toml" in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message.split("(")[0])


def test_changed_metadata_makes_the_index_stale(tmp_path):
    corpus_with(tmp_path, 'period = "2024"\n')
    before = store.corpus_fingerprint(load_corpus(tmp_path), None)
    corpus_with(tmp_path, 'period = "2024"\npublished = "2025-01-02"\n')
    after = store.corpus_fingerprint(load_corpus(tmp_path), None)
    assert before != after


def test_citations_carry_the_bulletin_metadata(assistant):
    answer = assistant.ask("种植体平均价格降幅是多少")
    assert answer.found and answer.citations
    for citation in answer.to_dict()["citations"]:
        assert citation["period"] == "2023"
        assert citation["published"] is None
        assert citation["doc_title"] == read_meta(ROOT / "data" / "bulletin.txt").title


def test_labels_where_quotes_are_shown_name_the_bulletin():
    from zhili_qa.web.render import source_line, where

    cited = {"doc": "dinghai-2024", "project": 10, "title": "口腔种植", "field": "治理成果", "quote": "5500元"}
    dated = {**cited, "doc_title": "定海区公告", "period": "2024", "published": None}
    assert where(dated) == "第10项 口腔种植 · 治理成果 · 2024年公告"
    assert where({**cited, "doc_title": "定海区公告"}) == "第10项 口腔种植 · 治理成果 · 定海区公告"
    assert where(cited) == "第10项 口腔种植 · 治理成果"
    older = {**dated, "doc": "dinghai-2023", "period": "2023", "quote": "6000元"}
    assert source_line([dated, older], {}) == (
        "（来源：定海区公告（2024年） 第10项 口腔种植·治理成果；定海区公告（2023年） 第10项 口腔种植·治理成果）"
    )
