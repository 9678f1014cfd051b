"""Wording: abstentions say what the bulletin does not state, in the question's terms."""

from zhili_qa.answering.compose import Composer, abstention, restate


def test_restate_keeps_the_question_and_drops_fillers():
    assert restate("请问菜篮子惠民店一共有多少家？") == "菜篮子惠民店一共有多少家"
    assert restate("骗子冒充客服打电话,警察做了什么") == "骗子冒充客服打电话,警察做了什么"
    long = "你好 我爸住在小沙那边 上个月半夜心脏不舒服 叫救护车等了老半天 想问问小沙街道那个急救点什么时候能建好"
    assert len(restate(long)) <= 30 and restate(long).endswith("什么时候能建好")


def test_abstention_labels_context_and_may_repeat_only_the_questions_figures(lexical_assistant):
    project = lexical_assistant.corpus.documents[0].project(7)
    context = next(u for u in project.units if u.kind == "clause" and "7327户" in u.text)
    composer = Composer(lexical_assistant.retriever.passage)
    text = abstention(composer, "2025年老旧小区改造了多少户", context)
    answer = composer.finish(text, 0.0, False, found=False, restated="2025年老旧小区改造了多少户")
    assert not answer.found and answer.answer.startswith("公告里没有写“2025年老旧小区改造了多少户”")
    assert "仅供参考" in answer.answer and answer.citations[0].quote == context.text


def test_an_answer_stating_an_unquoted_figure_is_withheld(lexical_assistant, caplog):
    composer = Composer(lexical_assistant.retriever.passage)
    composer.cite(next(u for u in lexical_assistant.corpus.documents[0].project(7).units if "7327户" in u.text))
    answer = composer.finish("改造了9999户[1]", 0.9, False)
    assert not answer.found and not answer.citations and "9999" not in answer.answer
    assert "9999" in caplog.text


def test_another_place_names_the_bulletins_district(lexical_assistant):
    answer = lexical_assistant.ask("宁波的口腔种植价格降了多少")
    assert not answer.found and "只公布了定海区的情况" in answer.answer and "宁波" in answer.answer


def test_a_figure_is_written_with_its_unit(lexical_assistant):
    answer = lexical_assistant.ask("三甲公立医院单颗常规种植总价最多收多少钱")
    assert answer.found and "4275元" in answer.answer and "4275 元" not in answer.answer


def test_a_compound_answered_only_in_part_says_so_before_its_quotes(lexical_assistant):
    # 牵头单位是谁 names no project (which one is asked back); 种植牙多少钱 is answered: half an answer, said so.
    answer = lexical_assistant.ask("牵头单位是谁，种植牙多少钱")
    assert not answer.found and answer.citations
    assert answer.answer.startswith("公告只回答了这个问题的一部分") and "仅供参考" in answer.answer
