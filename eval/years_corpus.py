"""Write the two-year corpus eval/years.jsonl is scored on: data/bulletin.txt as dinghai-2023 and a copy of it as
dinghai-2024 with a few figures changed, each with its metadata file. The copy is made here, not kept in data/,
so there is one bulletin text to keep.

    python eval/years_corpus.py FOLDER      # then: zhili-qa eval eval/years.jsonl --corpus FOLDER
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (2023's text, 2024's): the figures that differ between the two years.
CHANGES = (
    ("2023年以来", "2024年以来"),
    ("单颗种植牙总费用控制在6000元左右", "单颗种植牙总费用控制在5500元左右"),
    ("过渡期在3年以下的家庭户为315户", "过渡期在3年以下的家庭户为280户"),
)
TITLE = "定海区漠视侵害群众利益问题专项治理成果公告"


def meta(year: int) -> str:
    return f'title = "{year}年{TITLE}"\npublisher = "区纪委区监委"\nperiod = "{year}"\n'


def bulletin_2024(text: str) -> str:
    for old, new in CHANGES:
        if text.count(old) != 1:
            raise ValueError(f"expected one {old!r} in the bulletin")
        text = text.replace(old, new)
    return text


def write_years_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "data" / "bulletin.txt").read_bytes().decode("utf-8")
    (folder / "dinghai-2023.txt").write_bytes(text.encode("utf-8"))
    (folder / "dinghai-2024.txt").write_bytes(bulletin_2024(text).encode("utf-8"))
    for year in (2023, 2024):
        (folder / f"dinghai-{year}.toml").write_text(meta(year), encoding="utf-8")
    return folder


if __name__ == "__main__":
    print(write_years_corpus(Path(sys.argv[1])))
