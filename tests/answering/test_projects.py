"""Which projects a question names, and each one's part of a question about several."""


def numbers(projects):
    return [p.number for p in projects]


def test_projects_named_by_title_citizen_or_own_words(lexical_assistant):
    finder = lexical_assistant.finder
    assert numbers(finder.named("食堂和菜篮子两个治理分别是谁牵头的")) == [1, 11]
    assert set(numbers(finder.named("旧改和加油站哪个检查的次数多"))) == {7, 9}
    assert numbers(finder.named("罚没款是多少")) == [9]


def test_several_only_when_the_question_joins_them(lexical_assistant):
    finder = lexical_assistant.finder
    assert numbers(finder.several_named("村社和特困供养机构哪个检查的次数多")) == [8, 3]
    assert finder.several_named("区里两个月一期的急救技能小班培训培训了多少人次") == ()


def test_each_project_gets_its_part_and_a_bare_name_shares_the_predicate(lexical_assistant):
    finder = lexical_assistant.finder
    text = "加油站罚没款和技能培训追回的违规资金分别是多少"
    parts = finder.parts(text, finder.several_named(text))
    assert parts[9] == "加油站罚没款" and parts[4].startswith("技能培训追回")
    shared = finder.parts(
        "村社和特困供养机构哪个检查的次数多", finder.several_named("村社和特困供养机构哪个检查的次数多")
    )
    assert "检查" in shared[8] and "检查" in shared[3]


def test_departments_and_their_projects(lexical_assistant):
    finder = lexical_assistant.finder
    assert finder.departments_in("区卫健局牵头了哪几个专项治理") == ["区卫健局"]
    assert numbers(finder.led_by("区卫健局")) == [10, 12]


def test_a_property_several_projects_share(lexical_assistant):
    having = lexical_assistant.finder.with_property(("工作专班",))
    assert {p.number for p, _ in having} >= {1, 6}
    assert all("工作专班" in span.text for _, span in having)


def test_a_long_figure_points_at_the_project_stating_it(lexical_assistant):
    finder = lexical_assistant.finder
    assert finder.stating(frozenset({"96110"}), 3) == {("bulletin", 2)}
    assert finder.stating(frozenset({"19"}), 3) is None


def test_a_project_named_by_its_number(lexical_assistant):
    answer = lexical_assistant.ask("第九个治理项目的名称是什么")
    assert answer.found and "燃油加油机计量准确性问题专项治理" in answer.answer
    assert "区民政局" in lexical_assistant.ask("第三项的牵头单位是谁").answer
    assert "8.69万元" in lexical_assistant.ask("第4项追回了多少钱").answer


def test_the_askers_own_records_are_out_of_scope(lexical_assistant):
    assert not lexical_assistant.ask("帮我查一下我医保卡里还剩多少钱").found
    assert lexical_assistant.ask("我家娃学校食堂的事儿，区里到底去查了几回").found  # a story, not a record


def test_projects_named_in_the_story_are_the_ones_a_question_refers_back_to(lexical_assistant):
    message = "我想分两件事反映：一个是旧改的质量问题，一个是噪声扰民。这两个专项治理分别是哪个单位牵头的？"
    answer = lexical_assistant.ask(message)
    assert answer.found and "区住建局" in answer.answer and "市生态环境局定海分局" in answer.answer


def test_why_a_project_was_run_is_its_goal_and_a_reason_never_given_is_not_made_up(lexical_assistant):
    assert "治理目标" in lexical_assistant.ask("为什么要搞食堂采购专项治理").answer
    assert not lexical_assistant.ask("声环境功能区划为啥要调整？").found


def test_a_bureaus_district_branch_is_one_department(lexical_assistant):
    answer = lexical_assistant.ask("市场监管局定海分局和生态环境局定海分局各自牵头的是哪个专项治理？")
    assert "燃油加油机" in answer.answer and "噪声污染" in answer.answer and "回迁安置" not in answer.answer


def test_which_firms_are_never_named(lexical_assistant):
    assert not lexical_assistant.ask("特困供养机构撤并了3家，是哪三家被撤掉了？").found
    assert not lexical_assistant.ask("培育的诚信计量示范加油站是哪几家？").found


def test_a_question_naming_no_project_is_answered_by_the_one_that_answers_it_or_asks_which(lexical_assistant):
    # 检查了几回: most projects count their inspections; none is picked for the asker.
    which = lexical_assistant.ask("到底检查了几回")
    assert not which.found and "哪一个项目" in which.answer and not which.citations
    assert "哪一个项目" in lexical_assistant.ask("牵头的是谁").answer
    # Only the fuel-pump project fines anyone: it answers, though the question names no project.
    fined = lexical_assistant.ask("一共罚了多少钱")
    assert fined.found and "124.839742万元" in fined.answer
    # The campaign's own totals, ranked first, are no question of which project.
    partners = lexical_assistant.ask("一共跟几家单位一起搞的")
    assert partners.found and "11家单位" in partners.answer
