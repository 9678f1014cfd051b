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


def test_who_asks_is_no_part_of_the_question(lexical_assistant):
    asked = "我们环南街道有几个老小区2023年旧改，居民意见蛮大的。有人问我：2023年全区老旧小区改造一共涉及多少户居民？"
    assert "7327户" in lexical_assistant.ask(asked).answer
    assert "192名" in lexical_assistant.ask("我老婆以前教书的 她问那个特困老人 现在有多少个住进定点机构了").answer
    two = "区卫健局这边两件事一起问：口腔种植专项治理2023年共检查了多少家次？区级小班化急救技能培训一共培训了多少人次？"
    answer = lexical_assistant.ask(two)
    assert "62家次" in answer.answer and "16人次" in answer.answer


def test_the_bulletin_is_no_whole_and_this_time_names_nothing(lexical_assistant):
    asked = "公告里反诈那块追赃挽损一共挽回了多少？"
    assert "1132.4万元" in lexical_assistant.ask(asked).answer
    assert "194次" in lexical_assistant.ask("这回纪委总共督导检查了多少次").answer


def test_a_count_of_another_thing_than_the_stated_ones(lexical_assistant):
    asked = "旧改那个，二〇二三年改了五十五个区块、二百八十九幢楼，那一共分成了几个标段？"
    assert "24个标段" in lexical_assistant.ask(asked).answer


def test_which_is_more_after_each_figure_presses_for_the_figures(lexical_assistant):
    answer = lexical_assistant.ask("特困供养机构和村经济合作社这两个专项治理，各组织检查了几次？哪个查得多一点？")
    assert answer.found and "23次" in answer.answer and "14次" in answer.answer
