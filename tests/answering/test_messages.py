"""Messages as people type them: instructions on how to answer, the campaign named, what was done after a plan."""

from zhili_qa.answering.message import without_pleasantries


def test_an_instruction_on_how_to_answer_asks_nothing():
    assert without_pleasantries("督导检查多少次？请以公告原文数字为准。") == "督导检查多少次？"
    assert without_pleasantries("罚没款金额，请精确到公告给出的最小位数，并注明单位。") == "罚没款金额"
    assert without_pleasantries("需区分目标与结果：实际解决了多少户？") == "实际解决了多少户？"
    # 请问 asks, and an instruction that asks a fact is the question.
    assert without_pleasantries("请问食堂检查了多少次") == "请问食堂检查了多少次"
    assert without_pleasantries("请告诉我食堂检查了多少次") == "请告诉我食堂检查了多少次"


def test_the_campaign_named_in_full_asks_of_the_totals(lexical_assistant):
    answer = lexical_assistant.ask("本次漠视侵害群众利益问题专项治理中，全区纪检监察组织共组织督导检查多少次？")
    assert answer.found and "194次" in answer.answer and answer.citations[0].project == 0


def test_what_was_actually_done_is_counted_by_its_measure(lexical_assistant):
    answer = lexical_assistant.ask("需区分目标与结果：2023年3-5年未安置问题实际解决了多少户？")
    assert answer.found and "560户" in answer.answer
