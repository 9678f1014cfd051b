"""The parser: exact offsets on the real bulletin and on bulletins written the other way."""

from pathlib import Path

import pytest

from zhili_qa.corpus import GOAL, LEAD, PREAMBLE_FIELD, RESULTS, TITLE, load_corpus, parse_bulletin
from zhili_qa.errors import CorpusError

ROOT = Path(__file__).resolve().parents[1]

# Another district, another year: full-width colons and commas, 一是/二是 numbering, CRLF lines,
# a title line, a field wrapped onto a second line, and decimals that must not start items.
SYNTHETIC = (
    "标题：岱山县民生实事专项治理成果通报\r\n"
    "2024年以来，县纪委县监委会同8家单位开展专项治理。\r\n"
    "\r\n"
    "1\r\n"
    "治理项目：农贸市场计量专项治理\r\n"
    "牵头单位：县市场监管局\r\n"
    "治理目标：规范农贸市场计量器具，杜绝缺斤少两。\r\n"
    "治理成果：一是开展检查。共检查市场15家次，发现问题3.5个百分点的偏差，\r\n"
    "全部整改。二是建立机制。设立公平秤20台；三是群众满意度达到98.6%。\r\n"
    "2\r\n"
    "治理项目：校车安全专项治理\r\n"
    "牵头单位：县教育局（县交通局）\r\n"
    "治理成果：一是排查校车12辆，整改隐患4处。\r\n"
)


@pytest.fixture(scope="module")
def bulletin():
    return load_corpus(ROOT / "data").documents[0]


def test_real_bulletin_structure(bulletin):
    assert bulletin.id == "bulletin"
    assert bulletin.title == "定海区专项治理成果公告"
    numbers = [p.number for p in bulletin.projects]
    assert numbers == list(range(13))
    assert bulletin.project(2).lead == "区公安分局"
    assert bulletin.project(10).fields[TITLE].text == "口腔种植医疗服务提质降费专项治理"
    assert bulletin.project(0).fields[PREAMBLE_FIELD].text.startswith("2023年以来")
    for project in bulletin.projects[1:]:
        assert {TITLE, LEAD, GOAL, RESULTS} <= set(project.fields)


def test_every_unit_is_an_exact_slice(bulletin):
    units = bulletin.units
    assert len(units) > 500
    for unit in units:
        assert bulletin.text[unit.start : unit.end] == unit.text
        assert unit.text == unit.text.strip()


def test_results_split_into_numbered_items(bulletin):
    items = [u for u in bulletin.project(2).units if u.kind == "item"]
    assert [u.item for u in items] == [1, 2, 3, 4, 5]
    assert items[0].text.startswith("加强精准宣防")
    # Project 5 numbers its results 一是/二是/三是.
    chinese = [u for u in bulletin.project(5).units if u.kind == "item"]
    assert [u.item for u in chinese] == [1, 2, 3]
    assert chinese[1].text.startswith("加强督导")
    # 8.69万元 inside project 4 is a figure, not item 8.
    assert max(u.item for u in bulletin.project(4).units if u.kind == "item") == 3


def test_clauses_keep_figures_whole(bulletin):
    clauses = {u.text for u in bulletin.project(7).units if u.kind == "clause"}
    assert "约谈4人" in clauses
    assert "发放整改通知书7份" in clauses


def test_synthetic_bulletin_other_style():
    document = parse_bulletin(SYNTHETIC, "daishan", "daishan.txt")
    assert document.title == "岱山县民生实事专项治理成果通报"
    assert [p.number for p in document.projects] == [0, 1, 2]
    first = document.project(1)
    assert first.lead == "县市场监管局"
    results = first.fields[RESULTS]
    assert "全部整改" in results.text  # the wrapped second line belongs to the field
    items = [u for u in first.units if u.kind == "item"]
    assert [u.item for u in items] == [1, 2, 3]
    assert items[2].text.startswith("群众满意度达到98.6%")
    for unit in document.units:
        assert document.text[unit.start : unit.end] == unit.text
    assert document.project(2).lead == "县教育局（县交通局）"


def test_corpus_folder_with_several_bulletins(tmp_path):
    (tmp_path / "a.txt").write_text(SYNTHETIC, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes((ROOT / "data" / "bulletin.txt").read_bytes())
    corpus = load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["a", "b"]
    assert corpus.document("a").text == SYNTHETIC  # CRLF kept, so offsets match the file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "文件为空"),
        ("前言。\n1\n牵头单位：区教育局\n", "缺少“治理项目”"),
        ("前言。\n2\n治理项目：甲\n牵头单位：乙\n", "项目编号应为1"),
        ("前言。\n1\n治理项目：甲\n治理项目：丙\n牵头单位：乙\n", "重复"),
        ("治理项目：甲\n", "项目编号之前"),
        ("只有前言，没有项目。\n", "未找到任何治理项目"),
    ],
)
def test_malformed_bulletins_name_file_and_line(text, message):
    with pytest.raises(CorpusError) as error:
        parse_bulletin(text, "bad", "bad.txt")
    assert message in str(error.value)
    assert "bad.txt" in str(error.value)


def test_malformed_error_names_the_line():
    with pytest.raises(CorpusError, match=r"bad\.txt:4"):
        parse_bulletin("前言。\n1\n治理项目：甲\n这一行不是字段\n", "bad", "bad.txt")
