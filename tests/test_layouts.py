"""Other districts' layouts, generated from data/bulletin.txt: accepted with exact offsets, or rejected with a
Chinese message naming the line."""

import re
from pathlib import Path

import pytest

from zhili_qa.corpus import LEAD, load_corpus, parse_bulletin
from zhili_qa.errors import CorpusError

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "data" / "bulletin.txt").read_bytes().decode("utf-8")
NUMERALS = "一二三四五六七八九十"


def chinese(n: int) -> str:
    return NUMERALS[n - 1] if n <= 10 else "十" + NUMERALS[n - 11]


VARIANTS = {
    "一、 numbering": re.sub(r"(?m)^(\d{1,2})$", lambda m: chinese(int(m[1])) + "、", TEXT),
    "一、title on the number line": re.sub(r"(?m)^(\d{1,2})\n治理项目:", lambda m: chinese(int(m[1])) + "、", TEXT),
    "第一项": re.sub(r"(?m)^(\d{1,2})$", lambda m: f"第{chinese(int(m[1]))}项", TEXT),
    "1.": re.sub(r"(?m)^(\d{1,2})$", r"\1.", TEXT),
    "full-width colons": re.sub(r"(?m)^(治理项目|牵头单位|治理目标|治理成果):", r"\1：", TEXT),
    "no 治理目标": re.sub(r"(?m)^治理目标:.*\n", "", TEXT),
    "a title line": "舟山市定海区专项治理成果公告\n" + TEXT,
    "CRLF": TEXT.replace("\n", "\r\n"),
    "a BOM": "\ufeff" + TEXT,
    "all at once": "\ufeff舟山市定海区专项治理成果公告\r\n"
    + re.sub(r"(?m)^(\d{1,2})$", lambda m: chinese(int(m[1])) + "、", TEXT).replace(":", "：").replace("\n", "\r\n"),
}
ORIGINAL = parse_bulletin(TEXT, "bulletin")


def summary(document) -> list[tuple[int, str, str]]:
    return [(p.number, p.title, p.lead) for p in document.projects]


@pytest.mark.parametrize("name", VARIANTS)
def test_layout_variants_are_read_with_exact_offsets(name, tmp_path):
    text = VARIANTS[name]
    path = tmp_path / "variant.txt"
    path.write_bytes(text.encode("utf-8"))  # as on disk: CRLF and the BOM kept
    document = load_corpus(tmp_path).documents[0]
    assert document.text == text
    assert summary(document) == summary(ORIGINAL)
    for unit in document.units:
        assert document.text[unit.start : unit.end] == unit.text
        assert unit.text == unit.text.strip("\r\n \ufeff")  # line ends and the BOM are no part of a passage
    if name in ("a title line", "all at once"):
        assert document.title == "舟山市定海区专项治理成果公告"
    if name == "no 治理目标":
        assert all("治理目标" not in p.fields for p in document.projects)


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (re.sub(r"(?m)^2$", "三、", TEXT), 8, "项目编号应为2，实为3"),
        (TEXT.replace("牵头单位:区公安分局\n", ""), 12, "第2项缺少“牵头单位”"),
        (TEXT.replace("\n1\n", "\n", 1), 3, "出现在项目编号之前"),
        (TEXT.replace("牵头单位:区民政局\n", "牵头单位:区民政局\n牵头单位:区民政局\n"), 16, "重复"),
    ],
)
def test_malformed_layouts_are_rejected_naming_the_line(text, line, says):
    with pytest.raises(CorpusError) as raised:
        parse_bulletin(text, "bad", "bad.txt")
    assert f"bad.txt:{line}:" in str(raised.value) and says in str(raised.value)


def test_the_lead_of_an_inline_title_project_is_its_own_field():
    document = parse_bulletin(VARIANTS["一、title on the number line"], "v")
    project = document.project(10)
    assert project.fields[LEAD].text == "区卫健局(区医保局)"
    assert project.title == "口腔种植医疗服务提质降费专项治理"
