"""Messages as people type them: instructions on how to answer, the campaign named, what was done after a plan."""

import pytest

from zhili_qa.answering.message import asking_part, compound_parts, each_of_two, without_pleasantries


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


def test_feelings_after_the_question_ask_nothing(lexical_assistant):
    assert "25人次" in lexical_assistant.ask("護理員培訓搞了多少人次啊 我爸那邊的護工阿姨感覺不太專業 嗚嗚").answer
    answer = lexical_assistant.ask("食堂检查了几次 老旧小区检查了几次 哪个多哈哈")
    assert "38次" in answer.answer and "316次" in answer.answer and "哈哈" not in answer.answer


def test_a_request_to_check_before_a_colon_asks_nothing(lexical_assistant):
    asked = "为准备区人代会审议材料，请核实：2023年老旧小区改造共涉及居民多少户？建筑面积大约多少？"
    answer = lexical_assistant.ask(asked)
    assert "7327户" in answer.answer and "59万平方米" in answer.answer


def test_a_time_before_the_question_frames_it(lexical_assistant):
    assert not lexical_assistant.ask("治理之前，定海区单颗种植牙的总费用是多少钱？").found
    # 比治理前便宜了多少 compares with before: the fall answers it.
    answer = lexical_assistant.ask("现在在定海种一颗牙总共大概要花多少钱？比治理前便宜了多少？")
    assert "45%" in answer.answer


def test_an_open_question_in_words_the_bulletin_never_uses_is_of_no_project(lexical_assistant):
    assert not lexical_assistant.ask("宝宝水痘疫苗第二针 在定海哪里打啊 社区医院可以吗").found
    assert lexical_assistant.ask("老房子拆了好几年 房子还没分下来 怎么办呢").found


def test_a_family_story_typed_after_the_question_asks_nothing(lexical_assistant):
    asked = "定海区医疗急救站是什么时候挂牌独立运行的呀 娃半夜发烧打过一次急救 吓死了"
    assert "2023年6月底" in lexical_assistant.ask(asked).answer
    # What follows the question to narrow it (不是追回的那个) still belongs to it.
    assert not lexical_assistant.ask("培训补贴被违规领走的一共多少钱 不是追回的那个 是总共被领走的").found


def test_each_of_a_goals_parts_presses_for_the_goal(lexical_assistant):
    answer = lexical_assistant.ask("农村回迁安置专项治理当初设定的治理目标是什么？对不同过渡期年限分别有什么要求？")
    assert answer.found and "5年以上未安置问题全部解决" in answer.answer


def test_words_quoted_whole_report_what_someone_said(lexical_assistant):
    asked = "我妈原话：“听讲乡下的敬老院要合并了，真的假的？”公告里撤并了几家供养机构？"
    answer = lexical_assistant.ask(asked)
    assert answer.found and "3家" in answer.answer


def test_a_dictated_message_asks_after_its_request_to_look(lexical_assistant):
    asked = "我跟你讲我邻居去年种了一颗牙花了八千多我也不晓得真的假的你帮我看看现在定海单颗种植牙总费用控制在多少"
    answer = lexical_assistant.ask(asked)
    assert answer.found and "6000元左右" in answer.answer


def test_two_questions_dictated_without_a_stop_are_each_answered(lexical_assistant):
    answer = lexical_assistant.ask("这次专项治理推动完善制度几项会同了几家单位")
    assert "11项" in answer.answer and "11家单位" in answer.answer
    compared = lexical_assistant.ask("生态环境满意度多少分比去年好吗")
    assert "88.16" in compared.answer and "3.09分" in compared.answer


def test_the_askers_plans_after_the_question_ask_nothing(lexical_assistant):
    answer = lexical_assistant.ask("加油站专项的罚没款是多少？我准备写进调研报告里。")
    assert answer.found and "124.839742万元" in answer.answer


def test_a_question_pointing_at_the_story_before_it_keeps_the_story(lexical_assistant):
    asked = "邻居老人想反映敬老院那边的问题，这个专项治理是哪个单位牵头的，我该帮他找谁？"
    assert "区民政局" in lexical_assistant.ask(asked).answer


def test_an_event_before_the_question_states_no_figure_asked_of(lexical_assistant):
    answer = lexical_assistant.ask("三十二所中小学自查完之后，全区中小学食堂一共检查了几次？")
    assert answer.found and "38次" in answer.answer


def test_the_askers_plans_after_a_marked_question_ask_nothing(lexical_assistant):
    answer = lexical_assistant.ask("请问反诈那个专项里，去年追赃挽损一共是多少钱？我写材料要用这个数。")
    assert answer.found and "1132.4万元" in answer.answer


def test_a_question_asked_on_someone_elses_behalf_asks_what_follows(lexical_assistant):
    message = "我表哥开加油站的，怕修机器被当成作弊。他托我帮他问问：专项治理里维修加油机监督了多少家？"
    answer = lexical_assistant.ask(message)
    assert answer.found and "4家" in answer.answer


def test_the_askers_story_in_a_clause_of_its_own_names_nothing_asked(lexical_assistant):
    answer = lexical_assistant.ask("老实讲我们开饭店的挺怕检查，这次专项治理一共查处了几个腐败和作风问题？")
    assert answer.found and "19个" in answer.answer


def test_clauses_asking_one_after_another_are_each_answered(lexical_assistant):
    answer = lexical_assistant.ask("区里整体的问责情况怎么样：查处了多少个腐败和作风问题，批评教育帮助和处理了多少人？")
    assert answer.found and "19个" in answer.answer and "19人" in answer.answer


def test_a_year_in_the_askers_dialect_story_is_not_asked(lexical_assistant):
    # 阿拉 is 我们 in the Wu of 舟山: 明年 of the grandson's school year asks of no year.
    answer = lexical_assistant.ask("阿拉屋里孙子明年读初中 问问看食堂采购那个专项一共检查了几次")
    assert answer.found and "38次" in answer.answer
    # A question pointing back at the story's year asks of that year.
    assert not lexical_assistant.ask("我2022年被骗过，那年反诈追回了多少钱？").found


def test_a_tag_asking_whether_one_knows_asks_nothing(lexical_assistant):
    answer = lexical_assistant.ask("种一颗牙现在总费用要多少钱，你知道吗")
    assert answer.found and "6000元" in answer.answer
    # A refusal tells what the bulletin does not say in the question's terms, not the tag's.
    refused = lexical_assistant.ask("定海到底是哪几路公交算反诈公交啊 侬晓得伐")
    assert not refused.found and "哪几路公交" in refused.answer and "晓得" not in refused.answer


def test_versus_sets_two_projects_side_by_side(lexical_assistant):
    answer = lexical_assistant.ask("特困机构检查次数 VS 老旧小区检查次数，哪个多")
    assert "23次" in answer.answer and "316次" in answer.answer


def test_a_figure_stated_with_its_measure_asks_which_project_not_a_count(lexical_assistant):
    answer = lexical_assistant.ask("培训了二百二十四人次，这是哪个专项里的")
    assert answer.found and "224人次" in answer.answer


def test_a_task_the_asker_tells_of_is_not_one_asked(lexical_assistant):
    answer = lexical_assistant.ask("我最近在写一篇调研报告，反诈那项去年追赃挽损多少钱？")
    assert answer.found and "1132.4万元" in answer.answer
    assert not lexical_assistant.ask("帮我写一篇关于反诈的作文").found


def test_several_projects_each_asked_what_the_question_ends_with(lexical_assistant):
    fined = lexical_assistant.ask("加油机罚的钱 和菜篮子审计的情况 各是多少")
    assert "124.839742万元" in fined.answer
    compared = lexical_assistant.ask("噪声和食堂两个专项分别组织检查多少次？哪个项目检查次数更多？")
    assert "38次" in compared.answer
    counted = lexical_assistant.ask("请比较老旧小区与村经济合作社两个专项治理推动整改的问题数量")
    assert counted.found and "60个" in counted.answer and "42个" in counted.answer


def test_what_a_caller_is_reported_to_have_said_names_nothing_asked(lexical_assistant):
    answer = lexical_assistant.ask("有居民来电说学校饭菜不好，食堂那个专项一共检查了几次？")
    assert answer.found and "38次" in answer.answer


def test_colloquial_leads_goals_amounts_and_counts(lexical_assistant):
    assert "区教育局" in lexical_assistant.ask("学校食堂那个专项是谁带头搞的").answer
    goal = lexical_assistant.ask("加油机那个专项主要是要治啥问题")
    assert goal.found and "计量" in goal.answer
    # 绝对值 asks the sum, which a growth rate is not.
    assert not lexical_assistant.ask("村级集体经济总收入的绝对值是多少").found
    people = lexical_assistant.ask("反诈专项里，打处犯罪嫌疑人的数量是多少")
    assert people.found and "327名" in people.answer


def test_an_aside_in_brackets_is_not_all_asked(lexical_assistant):
    answer = lexical_assistant.ask("口腔种植那项检查发现（并推动整改）的问题有多少个？")
    assert answer.found and "16个" in answer.answer


def test_two_questions_refused_alike_are_refused_once(lexical_assistant):
    refused = lexical_assistant.ask("Where is the best hotpot in town? And where can I park for free?")
    assert not refused.found
    assert refused.answer.count("抱歉") == 1


def test_pressing_for_the_figure_just_asked_is_no_second_question():
    from zhili_qa.answering.message import compound_parts

    assert len(compound_parts("食堂检查了三十几次是不是 到底是多少")) == 1
    assert len(compound_parts("反诈劝阻一万多人次是真的吗，具体是多少")) == 1


def test_a_story_going_on_after_the_asking_marker_asks_at_its_end(lexical_assistant):
    # 她想问问… opens a caller's wish, then the story goes on; the last clause asks.
    message = (
        "刚才一个大爷打来 他住在岛上 他想问问菜是不是政府送的 他说儿子在宁波上班 自己也不会网上下单 "
        "那几个海岛的订单配送搞了多少次"
    )
    answer = lexical_assistant.ask(message)
    assert answer.found and "95次" in answer.answer


def test_what_hotline_staff_look_up_is_asked_not_the_callers_aside(lexical_assistant):
    message = (
        "来电：阿姨说她老伴住敬老院，想知道有没有给护工搞培训，说是电视上看到的。她还问以后伙食会不会好一点。"
        "我先查一下：养老护理员培训了多少人次？"
    )
    answer = lexical_assistant.ask(message)
    assert answer.found and "25人次" in answer.answer
    assert "伙食" not in answer.answer


def test_asking_for_the_names_presses_for_the_which_before_it(lexical_assistant):
    # 是哪几家 能不能报下名字: the names of the firms counted; the bulletin names none.
    answer = lexical_assistant.ask("加油站里被罚款的是哪几家 能不能说一下名字 我不去那几家加油了")
    assert not answer.found and "能不能说一下名字" not in answer.answer


def test_a_remark_after_the_question_mark_asks_nothing(lexical_assistant):
    answer = lexical_assistant.ask("反诈民警一年劝阻了多少人次？感觉天天都在打电话")
    assert answer.found and "11637人次" in answer.answer
    # A figure told after the question is what it asks beside, not a remark.
    said = lexical_assistant.ask("种植服务价格调控前均价是多少？调控后是3500左右，我要比一比。")
    assert not said.found


def test_fillers_of_dictated_speech_name_nothing_asked(lexical_assistant):
    answer = lexical_assistant.ask("就是电信诈骗骗走的钱然后区里一共帮大家追回来多少啊")
    assert answer.found and "1132.4万元" in answer.answer


def test_a_short_question_of_how_often_is_a_question_of_its_own(lexical_assistant):
    answer = lexical_assistant.ask("合作社那边 查了几回 发现多少毛病")
    assert answer.found and "14次" in answer.answer and "42个" in answer.answer


def test_a_neighbours_question_relayed_by_a_group_asks_as_the_neighbour():
    assert without_pleasantries("隔壁赵奶奶问，食堂一年查了几次") == "食堂一年查了几次"
    assert without_pleasantries("群里有人问种一颗牙多少钱") == "种一颗牙多少钱"
    assert without_pleasantries("楼下孙叔叔问反诈热线是多少") == "反诈热线是多少"
    assert without_pleasantries("有人问题太多了") == "有人问题太多了"  # 问题 is no asking


def test_when_said_as_sha_shihou_asks_a_question_of_its_own():
    parts = compound_parts("定海医疗急救站啥时候挂牌的 小沙街道急救点啥时候设好")
    assert len(parts) == 2 and "急救站" in parts[0] and "小沙街道" in parts[1]


def test_whether_all_was_done_before_a_count_is_a_question_of_its_own(lexical_assistant):
    answer = lexical_assistant.ask("农村回迁这事，拖了五年以上的是不是都全解决了 三到五年的解决了几户")
    assert answer.found and "全部解决" in answer.answer and "560户" in answer.answer
    # A worry before the count asks nothing the bulletin could settle.
    assert len(compound_parts("加油机会不会被人动手脚啊，这次检查了多少家")) == 1


@pytest.mark.parametrize(
    ("asked", "figure"),
    [
        ("有位老人来电说敬老院伙食不好，问特困供养机构一共检查了多少次", "23次"),  # a caller's story, then ，问…
        ("说起种牙的事，有人问区卫健局检查出来的那些问题改好了没有", "16个"),  # 有人问 in the middle
    ],
)
def test_what_is_asked_after_who_asks_it(lexical_assistant, asked, figure):
    answer = lexical_assistant.ask(asked)
    assert answer.found and figure in answer.answer


def test_asked_of_the_place_the_callers_story_names():
    # …，问他们那边…: the place asked about is the one the caller's story names, not cut away with the story.
    assert "岱山县" in asking_part("来电人住岱山县，问他们那边老旧小区改造涉及多少户居民")


@pytest.mark.parametrize(
    ("asked", "figures"),
    [
        # A colleague or a parent relays the question; who relays it names nothing asked.
        ("有同事问学校食堂和老旧小区改造两个专项分别整改了几个问题", ("36个", "60个")),
        ("家长们想对比一下：特困供养机构、老旧小区这两个专项，分别检查了多少次？", ("23次", "316次")),
        # Hearsay and an opinion before the question, with 好几 that asks nothing.
        ("朋友圈在传敬老院那块搬进去好几百人，我觉得不太可能，到底入住了多少人？", ("192名",)),
    ],
)
def test_what_a_relayed_question_asks_is_answered(lexical_assistant, asked, figures):
    answer = lexical_assistant.ask(asked)
    assert answer.found and all(figure in answer.answer for figure in figures)


def test_a_figure_recalled_then_asked_after_all_is_not_stated_by_the_question(lexical_assistant):
    answer = lexical_assistant.ask("职业技能培训那个累计查了四十二次还是多少次来着")
    assert answer.found and "42次" in answer.answer


def test_one_question_asked_of_two_things_of_one_project_answers_each(lexical_assistant):
    assert each_of_two("岛上那个，订单配送跟流动集市各开展了几次") == [
        "岛上那个，订单配送开展了几次",
        "岛上那个，流动集市开展了几次",
    ]
    assert each_of_two("食堂检查了多少次") == []
    answer = lexical_assistant.ask("岛上买菜难那个，订单配送跟流动集市各开展了几次呀")
    assert answer.found and "95次" in answer.answer and "9次" in answer.answer


def test_a_thing_joined_by_he_belongs_with_the_clause_before():
    asked = asking_part(
        "敬老院专项检查发现并推动整改的问题，和加油机专项发现并推动整改的问题，哪个数量多？两个数字都给我。"
    )
    assert asked.startswith("敬老院")


def test_a_long_message_asking_two_figures_asks_each(lexical_assistant):
    answer = lexical_assistant.ask(
        "住建局牵头的老旧小区改造那项一共组织检查了多少次，区农业农村局牵头的村经济合作社那项业务培训了多少人次"
    )
    assert answer.found and "316次" in answer.answer and "224人次" in answer.answer


def test_a_lead_that_describes_the_projects_is_not_asked(lexical_assistant):
    # 卫健局牵头的两项治理里: the department describes which projects; the count of one of them is asked.
    answer = lexical_assistant.ask("区卫健局牵头的两项治理里，急救那项一共培训了多少人次")
    assert answer.found and "16人次" in answer.answer
    listed = lexical_assistant.ask("卫健局牵头的有几个治理，都是哪些")
    assert listed.found and "口腔种植" in listed.answer and "医疗急救" in listed.answer


def test_a_bare_question_asks_of_what_the_hearsay_before_it_told(lexical_assistant):
    answer = lexical_assistant.ask("听我爸说卫健局牵头搞了好几个专项 是哪几个呢")
    assert answer.found and {c.project for c in answer.citations} == {10, 12}
