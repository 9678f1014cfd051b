"""Dialogue state: what a follow-up leans on, and when it switches project."""

from zhili_qa.answering.dialogue import DialogueState


def conversation(lexical_assistant, *turns):
    """The history after asking each turn in order, with the assistant's own answers."""
    history = []
    for question in turns:
        answer = lexical_assistant.ask(question, history)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
    return history


def state(lexical_assistant, *turns):
    return lexical_assistant.dialogue.state(conversation(lexical_assistant, *turns))


def test_focus_is_the_project_named_in_the_last_answer(lexical_assistant):
    focus = state(lexical_assistant, "加油机计量专项治理谁牵头").focus
    assert focus is not None and focus.number == 9


def test_pronouns_and_questions_naming_no_other_topic_lean_on_the_focus(lexical_assistant):
    current = state(lexical_assistant, "职业技能培训一共整改了多少个问题")
    dialogue = lexical_assistant.dialogue
    assert dialogue.leans_on("他们追回了多少钱", current)
    assert dialogue.leans_on("涉及多少人", current)
    assert not dialogue.leans_on("这次专项治理一共督导检查了多少次", current)


def test_naming_another_topic_switches_and_an_ellipsis_repeats_the_question(lexical_assistant):
    current = state(lexical_assistant, "噪声治理全省排第几")
    dialogue = lexical_assistant.dialogue
    assert dialogue.switches("那菜篮子那块呢", current.focus)
    assert dialogue.with_elided_question("那菜篮子那块呢", current) == "噪声治理全省排第几 那菜篮子那块呢"
    assert not dialogue.leans_on("那菜篮子那块呢", current)


def test_no_history_no_focus(lexical_assistant):
    assert lexical_assistant.dialogue.state([]) == DialogueState()


def test_a_follow_up_naming_only_a_span_of_time_leans_on_the_last_topic(lexical_assistant):
    history = conversation(lexical_assistant, "定海生态环境满意度打了多少分？")
    answer = lexical_assistant.ask("比上一年涨了多少", history)  # 一年 names no project, though one uses it
    assert answer.found and "3.09分" in answer.answer


def test_a_follow_up_list_asks_the_kind_of_the_last_answer(lexical_assistant):
    history = conversation(lexical_assistant, "海岛上办了几次流动集市")
    answer = lexical_assistant.ask("都在哪些岛上办的", history)
    assert answer.found and "小盘峙" in answer.answer


def test_a_follow_up_asking_what_a_named_thing_was_about_is_not_answered_by_the_overview(lexical_assistant):
    history = conversation(lexical_assistant, "老旧小区改造收到多少信访投诉")
    assert not lexical_assistant.ask("那些投诉主要反映的是什么问题", history).found


def test_a_follow_up_pointing_at_another_project_keeps_what_was_asked(lexical_assistant):
    from zhili_qa.evaluate import ask_conversation

    answer = ask_conversation(
        lexical_assistant.ask, ["特困供养机构那项一共组织检查了多少次？", "那老旧小区改造那个专项呢？"]
    )
    assert answer.found and "316次" in answer.answer


def test_a_follow_up_keeps_the_tags_of_the_words_it_carries(lexical_assistant):
    # 晚上, 搞完 are the asker's paraphrase, not nouns a passage must hold, in the follow-up as in the first turn.
    first = "晚上噪音的治理搞完以后群众满意度多少分"
    answer = lexical_assistant.ask(
        "那比去年高了多少", [{"role": "user", "content": first}, {"role": "assistant", "content": "88.16"}]
    )
    assert answer.found and "3.09分" in answer.answer


def test_a_part_of_the_figure_just_given_is_not_that_figure(lexical_assistant):
    history = [
        {"role": "user", "content": "反诈专项打处了多少犯罪嫌疑人"},
        {"role": "assistant", "content": lexical_assistant.ask("反诈专项打处了多少犯罪嫌疑人").answer},
    ]
    assert not lexical_assistant.ask("其中后来被起诉的有多少人", history).found
    assert not lexical_assistant.ask("这里面是外地人的有几个", history).found
