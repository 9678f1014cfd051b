"""A deterministic generator of synthetic bulletins in the format of data/bulletin.txt, for growth benchmarks.

    .venv/bin/python bench/synthetic.py OUT_DIR N [--seed 7]

Each bulletin is the real one rewritten: another district and year in its title and department names,
every figure replaced by another of the same size, projects picked and shuffled (8 to 12 of the 12),
renumbered, and written with one of the two numbering styles (``1.`` or ``一是``) and either colon width.
The same (N, seed) always gives byte-identical files, so a figure measured on them can be rerun.
The text means nothing new, and is only there to exercise the parser, indexes and retrieval at scale.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "data" / "bulletin.txt"

DISTRICTS = (
    "定海区",
    "普陀区",
    "岱山县",
    "嵊泗县",
    "椒江区",
    "黄岩区",
    "路桥区",
    "临海市",
    "温岭市",
    "玉环市",
    "天台县",
    "仙居县",
    "三门县",
    "越城区",
    "柯桥区",
    "上虞区",
    "诸暨市",
    "嵊州市",
    "新昌县",
    "婺城区",
    "金东区",
    "兰溪市",
    "义乌市",
    "东阳市",
    "永康市",
    "武义县",
    "浦江县",
    "磐安县",
    "柯城区",
    "衢江区",
    "江山市",
    "常山县",
    "开化县",
    "龙游县",
    "莲都区",
    "龙泉市",
    "青田县",
    "缙云县",
    "遂昌县",
    "松阳县",
)
YEARS = tuple(range(2019, 2026))
_CHINESE = "一二三四五六七八九十"
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_ITEM_MARK = re.compile(r"(^|[。！？；])(\d{1,2})[.．]")


def _chinese(number: int) -> str:
    if number <= 10:
        return _CHINESE[number - 1]
    if number < 20:
        return "十" + _CHINESE[number - 11]
    tens, ones = divmod(number, 10)
    return _CHINESE[tens - 1] + "十" + (_CHINESE[ones - 1] if ones else "")


def _vary_figures(text: str, rng: random.Random) -> str:
    """Every figure becomes another of the same number of digits; item markers stay as they are."""

    def replace(match: re.Match) -> str:
        following = text[match.end() : match.end() + 1]
        figure = match.group(0)
        if following in ".．" and "." not in figure and len(figure) <= 2:  # an item marker such as "3."
            return figure
        if len(figure) == 4 and figure.startswith("20"):  # a year stays a plausible year
            return str(rng.choice(YEARS))
        whole, _, decimals = figure.partition(".")
        first = str(rng.randint(1, 9)) if len(whole) > 1 or whole != "0" else "0"
        out = first + "".join(str(rng.randint(0, 9)) for _ in whole[1:])
        if decimals:
            out += "." + "".join(str(rng.randint(0, 9)) for _ in decimals)
        return out

    return _FIGURE.sub(replace, text)


def _template_projects(text: str) -> tuple[list[str], list[list[str]]]:
    """(preamble lines, one list of field lines per project) of the template bulletin."""
    preamble, projects = [], []
    for line in text.splitlines():
        if re.fullmatch(r"\s*\d{1,4}\s*", line):
            projects.append([])
        elif projects:
            projects[-1].append(line)
        elif line.strip():
            preamble.append(line)
    return preamble, projects


def bulletin(number: int, seed: int = 7, template: str | None = None) -> str:
    """The text of synthetic bulletin ``number`` (1-based) for ``seed``."""
    rng = random.Random(f"{seed}:{number}")
    template = template if template is not None else TEMPLATE.read_text(encoding="utf-8")
    district = DISTRICTS[(number - 1) % len(DISTRICTS)]
    place = district[:2]
    year = YEARS[(number - 1) // len(DISTRICTS) % len(YEARS)]
    level = district[-1]  # 区 / 县 / 市: departments are 区教育局, 县教育局 ...
    preamble, projects = _template_projects(template)
    chosen = rng.sample(projects, rng.randint(8, len(projects)))
    chinese_items = rng.random() < 0.5
    colon = rng.choice((":", "："))

    def localise(line: str) -> str:
        line = line.replace("定海区", district).replace("定海", place)
        line = re.sub(r"(^|[:：(（、])区", lambda m: m.group(1) + level, line)
        line = line.replace("2023年以来", f"{year}年以来")
        return _vary_figures(line, rng)

    out = [f"标题{colon}{district}{year}年漠视侵害群众利益问题专项治理成果公告"]
    out += [localise(line) for line in preamble]
    for index, fields in enumerate(chosen, start=1):
        out.append(str(index))
        for line in fields:
            line = re.sub(r"^(治理项目|牵头单位|治理目标|治理成果)\s*[:：]", lambda m: m.group(1) + colon, line)
            line = localise(line)
            if chinese_items and line.startswith("治理成果"):
                head, body = line[:5], line[5:]
                body = _ITEM_MARK.sub(lambda m: m.group(1) + _chinese(int(m.group(2))) + "是", body)
                line = head + body
            out.append(line)
    return "\n".join(out) + "\n"


def write_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """Write bulletins 1..count into ``folder`` as ``bulletin-NNNN.txt``; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    template = TEMPLATE.read_text(encoding="utf-8")
    paths = []
    for number in range(1, count + 1):
        path = folder / f"bulletin-{number:04d}.txt"
        path.write_text(bulletin(number, seed, template), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = write_corpus(args.out, args.count, args.seed)
    print(f"{len(paths)} bulletins -> {args.out}")


if __name__ == "__main__":
    main()
