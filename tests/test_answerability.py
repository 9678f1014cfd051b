"""Answer or abstain, on the real model and index: the examples of ../shared/notes/answerability.md and
the floors on every eval set (dev, dev2, and the fresh questions' two halves)."""

from pathlib import Path

import pytest

from zhili_qa.evaluate import ask_conversation, evaluate, questions_of, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "eval"

# The targets: answer >= 0.95, refusal >= 0.95, misleading <= 0.02, concise >= 0.90, valid 1.0.
TARGETS = (0.95, 0.95, 0.90, 0.02)
# (answer, refusal, concise, most misleading) per set: the targets where a set meets them, else a floor just
# under what it reaches now. The fresh sets were written by writers who never saw the engine; each sealed
# half was run once, then opened for tuning when the next one was written (eval/README.md).
FLOORS = {
    ROOT / "eval" / "dev.jsonl": TARGETS,
    SHARED_EVAL / "dev2.jsonl": TARGETS,
    ROOT / "eval" / "holdout.jsonl": TARGETS,
    **{ROOT / "eval" / f"fresh-tune{n}.jsonl": TARGETS for n in ("", 2, 3, 4, 5, 6, 7, 8, "8b", 9, 11, 12, 13, 14, 15)},
    ROOT / "eval" / "fresh-tune10.jsonl": (0.95, 0.91, 0.90, 0.05),  # 0.957 / 0.913 / 0.043
    ROOT / "eval" / "fresh-tune16.jsonl": (0.97, 0.97, 0.97, 0.02),  # 0.973 / 0.975 / 0.017
    ROOT / "eval" / "english-tune.jsonl": TARGETS,
    ROOT / "eval" / "fresh-sealed.jsonl": (0.93, 0.92, 0.93, 0.05),  # 0.933 / 0.925 / 0.050: below the targets
    ROOT / "eval" / "fresh-sealed17.jsonl": (0.95, 0.95, 0.95, 0.02),  # 0.950 / 1.0 / 0.017
    ROOT / "eval" / "fresh-tune17.jsonl": TARGETS,  # 0.989 / 1.0 / 0.011
    ROOT / "eval" / "fresh-tune18.jsonl": (0.93, 0.95, 0.93, 0.05),  # 0.933 / 0.958 / 0.050: below the targets
    ROOT / "eval" / "fresh-sealed18.jsonl": (0.95, 0.91, 0.95, 0.04),  # 0.956 / 0.917 / 0.033: below the targets
    ROOT / "eval" / "fresh-sealed19.jsonl": (0.93, 0.95, 0.93, 0.04),  # 0.933 / 0.958 / 0.033: below the targets
    ROOT / "eval" / "fresh-tune19.jsonl": (0.97, 0.97, 0.97, 0.02),  # 0.978 / 0.972 / 0.011
    ROOT / "eval" / "fresh-tune20.jsonl": (0.96, 0.97, 0.96, 0.03),  # 0.967 / 0.972 / 0.022
    ROOT / "eval" / "fresh-sealed20.jsonl": (0.94, 0.95, 0.94, 0.02),  # 0.944 / 1.0 / 0.0
    ROOT / "eval" / "fresh-sealed21.jsonl": (0.94, 0.97, 0.94, 0.03),  # 0.944 / 0.972 / 0.022: below the targets
    ROOT / "eval" / "fresh-sealed22.jsonl": (0.97, 0.95, 0.97, 0.02),  # 0.975 / 0.958 / 0.017
    ROOT / "eval" / "fresh-tune23.jsonl": (
        0.96,
        0.98,
        0.95,
        0.02,
    ),  # 0.961 / 0.986 / 0.011 (first run 0.800 / 0.781 / 0.094)
    ROOT / "eval" / "fresh-tune24.jsonl": (
        0.99,
        0.97,
        0.98,
        0.01,
    ),  # 0.992 / 0.979 / 0.008 (first run 0.917 / 0.958 / 0.017)
    # 0.900 / 0.896 / 0.058 (0.892 / 0.875 / 0.067 when run once, unopened, last session): below the targets
    ROOT / "eval" / "fresh-sealed24.jsonl": (0.90, 0.89, 0.90, 0.06),
    ROOT / "eval" / "fresh-sealed23.jsonl": (
        0.90,
        0.93,
        0.90,
        0.05,
    ),  # 0.900 / 0.932 / 0.050: run three times unopened, below
    ROOT / "eval" / "fresh-tune25.jsonl": (
        0.99,
        0.98,
        0.99,
        0.01,
    ),  # 0.994 / 0.986 / 0.006 (first 0.911 / 0.931 / 0.039)
    ROOT / "eval" / "fresh-tune26.jsonl": (
        0.98,
        0.98,
        0.98,
        0.02,
    ),  # 0.989 / 0.986 / 0.011 (first 0.950 / 0.931 / 0.044)
    # Never opened: 0.900 / 0.889 / 0.056 before round 25, 0.922 / 0.917 / 0.044 after round 26.
    ROOT / "eval" / "fresh-sealed25.jsonl": (0.92, 0.91, 0.92, 0.05),
    # Never opened: 0.933 / 0.944 / 0.039 after round 25 and again after round 26.
    ROOT / "eval" / "fresh-sealed26.jsonl": (0.93, 0.94, 0.93, 0.04),
    # Rounds 27-30, written by writers who never saw the engine and split by writer before reading.
    ROOT / "eval" / "fresh-tune27.jsonl": (0.97, 0.98, 0.97, 0.03),  # 0.972 / 0.986 / 0.028 (first 0.911 / 0.944)
    ROOT / "eval" / "fresh-tune28.jsonl": (0.99, 0.95, 0.99, 0.01),  # 0.992 / 1.0 / 0.0 (first 0.925 / 0.915 / 0.042)
    ROOT / "eval" / "fresh-tune29.jsonl": (0.99, 0.95, 0.99, 0.01),  # 0.992 / 1.0 / 0.008 (first 0.975 / 1.0 / 0.008)
    ROOT / "eval" / "fresh-tune30.jsonl": (0.96, 0.95, 0.95, 0.03),  # 0.967 / 1.0 / 0.025 (first 0.883 / 0.958 / 0.083)
    ROOT / "eval" / "english-tune30.jsonl": (
        0.89,
        0.95,
        0.89,
        0.06,
    ),  # 0.900 / 0.958 / 0.050 (first 0.617 / 0.708 / 0.267)
    # Never opened (scores only): below the targets.
    ROOT / "eval" / "fresh-sealed27.jsonl": (0.92, 0.90, 0.92, 0.05),  # 0.928 / 0.901 / 0.044 (first 0.906)
    ROOT / "eval" / "fresh-sealed28.jsonl": (0.95, 0.93, 0.95, 0.04),  # 0.958 / 0.938 / 0.033 (first 0.950)
    ROOT / "eval" / "fresh-sealed29.jsonl": (0.95, 0.95, 0.95, 0.01),  # 0.950 / 1.0 / 0.008 (first 0.925)
    ROOT / "eval" / "fresh-sealed30.jsonl": (
        0.84,
        0.87,
        0.84,
        0.09,
    ),  # 0.850 / 0.872 / 0.083 (first 0.792 / 0.830 / 0.142)
    # Round 31, split by writer before reading: tune a31 (English) and c31 (spoken Chinese); sealed b31 and d31.
    # 0.942 / 0.959 / 0.025 after round 36 (first 0.742 / 0.857 / 0.150); concise 0.933: one answer right but long,
    # its "did they hit it" part quoting a clause of the goal.
    ROOT / "eval" / "fresh-tune31.jsonl": (0.94, 0.95, 0.93, 0.03),
    # Never opened (scores only): 0.800 / 0.833 / 0.133 on its first run, 0.817 / 0.875 / 0.100 after round 31,
    # 0.817 / 0.854 / 0.108 after round 33 (one refusal lost to the rule that a remark after a question mark asks
    # nothing, which gained more on the other sealed sets).
    # 0.825 / 0.854 / 0.117 after round 36: round 35's English words (f0dad08) turned one of its refusals of an
    # answerable question into a wrong answer (found by scores at each commit, the set not opened).
    # 0.833 / 0.875 / 0.108 after round 38: the 立案 rule (15f1622) turned a wrong answer into a refusal.
    ROOT / "eval" / "fresh-sealed31.jsonl": (0.83, 0.87, 0.83, 0.11),
    # Rounds 32-33, split by writer before reading (the split is in eval/README.md).
    ROOT / "eval" / "fresh-tune32.jsonl": TARGETS,  # 1.0 / 1.0 / 0.0 (first 0.900 / 0.938 / 0.033)
    ROOT / "eval" / "fresh-tune33.jsonl": (
        0.95,
        0.97,
        0.95,
        0.01,
    ),  # 0.950 / 0.979 / 0.008 (first 0.850 / 0.938 / 0.042)
    # Never opened (scores only): first 0.883 / 0.939 / 0.033, 0.917 / 0.959 / 0.017 after round 33, 0.925 after
    # round 38.
    ROOT / "eval" / "fresh-sealed32.jsonl": (0.92, 0.95, 0.90, 0.02),
    # Never opened (scores only): first 0.883 / 0.938 / 0.050 (after round 32's changes), unchanged to round 36;
    # 0.875 after round 38: splitting a long message's two asking clauses (d6eb241) lost one answer (traced by
    # scores at each commit), kept for the wrong answer it mended on the tuning side.
    ROOT / "eval" / "fresh-sealed33.jsonl": (0.87, 0.93, 0.86, 0.05),
    # Rounds 34-36 (one session), split by writer before reading (the split is in eval/README.md).
    ROOT / "eval" / "fresh-tune34.jsonl": (
        0.99,
        0.97,
        0.99,
        0.01,
    ),  # 0.992 / 0.979 / 0.008 (first 0.933 / 0.958 / 0.033)
    ROOT / "eval" / "fresh-tune35.jsonl": (
        0.92,
        0.95,
        0.91,
        0.04,
    ),  # 0.925 / 0.958 / 0.033 after round 38 (first 0.850 / 0.917 / 0.075)
    ROOT / "eval" / "fresh-tune36.jsonl": (0.99, 0.95, 0.99, 0.01),  # 1.0 / 1.0 / 0.0 (first 0.842 / 0.875 / 0.083)
    # Never opened (scores only): 34 and 35 the same on their first run and at the end of the session; 34 and 36
    # gained one wrong answer turned into a refusal each in round 38.
    ROOT / "eval" / "fresh-sealed34.jsonl": (0.93, 0.93, 0.93, 0.05),  # 0.933 / 0.938 / 0.042 (first 0.917)
    ROOT / "eval" / "fresh-sealed35.jsonl": (0.92, 0.87, 0.92, 0.07),  # 0.925 / 0.875 / 0.067
    ROOT / "eval" / "fresh-sealed36.jsonl": (0.90, 0.89, 0.90, 0.07),  # 0.908 / 0.896 / 0.067 (first 0.892)
    # Rounds 37-38 (one session), split by writer before reading (the split is in eval/README.md); round 38's
    # writers were asked for 40 refusals in 60.
    ROOT / "eval" / "fresh-tune37.jsonl": (0.98, 0.99, 0.98, 0.02),  # 0.983 / 1.0 / 0.017 (first 0.950 / 1.0)
    ROOT / "eval" / "fresh-tune38.jsonl": (0.98, 0.97, 0.97, 0.02),  # 0.983 / 0.975 / 0.017 (first 0.967 / 0.950)
    # Never opened (scores only): 38 the same on its first run and at the end; 37 lost one answer to the 立案 rule
    # (15f1622, which turned a wrong answer of sealed31 into a refusal).
    ROOT / "eval" / "fresh-sealed37.jsonl": (0.93, 0.95, 0.92, 0.04),  # 0.933 / 0.958 / 0.033 (first 0.942)
    ROOT / "eval" / "fresh-sealed38.jsonl": (0.91, 0.91, 0.91, 0.06),  # 0.917 / 0.912 / 0.058
}


def score(assistant, path: Path) -> dict[str, float]:
    rows = read_jsonl(path)
    answers = [ask_conversation(assistant.ask, questions_of(row)).to_dict() for row in rows]
    return evaluate(rows, answers, assistant.corpus).metrics()


@pytest.mark.parametrize("path", list(FLOORS), ids=lambda p: p.name)
def test_eval_set_holds_its_floors(assistant, path):
    if not path.exists():
        pytest.skip(f"{path} is not beside this checkout")
    answer, refusal, concise, misleading = FLOORS[path]
    metrics = score(assistant, path)
    assert metrics["answer_acc"] >= answer, metrics
    assert metrics["refusal_acc"] >= refusal, metrics
    assert metrics["concise_acc"] >= concise, metrics
    assert metrics["misleading"] <= misleading, metrics
    assert metrics["citation_valid"] == 1.0, metrics


ABSTAIN = [
    ["菜篮子惠民店一共有多少家"],
    ["加油站罚款最多的一家罚了多少"],
    ["食堂检查发现的36个问题具体是什么问题"],
    ["护理员培训一次多少钱"],
    ["宁波的口腔种植价格降了多少"],
    ["2025年老旧小区改造了多少户"],
]
ANSWER = [
    (["食堂检查了多少次，发现多少问题"], [1], ["38次", "36个"]),
    (["2023年老旧小区改造了多少户"], [7], ["7327"]),
    (["老旧小区改造了多少户"], [7], ["7327"]),
    (["中小学事堂采购谁负责"], [1], ["区教育局"]),
    (["种值牙多少钱"], [10], ["6000"]),
    (["Which department leads the noise pollution campaign?"], [6], ["市生态环境局定海分局"]),
    (["96110是什么电话"], [2], ["96110反诈热线"]),
    (["食堂检查出来的问题都整改了吗"], [1], ["发现并整改问题36个"]),
    (["区卫健局牵头了哪几个专项治理"], [10, 12], ["口腔种植", "医疗急救"]),
    (["食堂和菜篮子两个治理分别是谁牵头的"], [1, 11], ["区教育局", "区“菜篮子”领导小组办公室"]),
    (["加油机那个专项治理罚了多少钱", "立案了几件"], [9], ["5件"]),
    (["噪声治理全省排第几", "那满意度总分呢"], [6], ["88.16"]),
    (["这次专项治理是谁组织的"], [0], ["区纪委区监委"]),
]


@pytest.mark.parametrize("turns", ABSTAIN, ids=lambda t: t[-1])
def test_the_bulletin_does_not_say_so_the_answer_says_so(assistant, turns):
    answer = ask_conversation(assistant.ask, turns)
    assert not answer.found, answer.answer
    assert answer.answer.startswith("公告"), answer.answer
    assert all(c.quote in answer.answer for c in answer.citations)  # context is quoted, never paraphrased
    assert "仅供参考" in answer.answer or not answer.citations


@pytest.mark.parametrize(("turns", "projects", "must"), ANSWER, ids=lambda v: v[-1] if isinstance(v, list) else "")
def test_answerable_however_it_is_phrased(assistant, turns, projects, must):
    answer = ask_conversation(assistant.ask, turns)
    assert answer.found, answer.answer
    assert {c.project for c in answer.citations} == set(projects), answer.answer
    for text in must:
        assert text in answer.answer, answer.answer


def test_a_comparison_states_both_figures_and_adds_none(assistant):
    answer = assistant.ask("旧改和加油站哪个检查的次数多")
    assert answer.found and "316次" in answer.answer and "110家次" in answer.answer
    assert {c.project for c in answer.citations} == {7, 9}
    assert "更多" not in answer.answer and "多于" not in answer.answer
