"""The answer check: a clause answers only with a value of the asked type, beside the asked subject,
for the place, year and unit asked."""

from zhili_qa.answering.values import holds_value, value_clauses
from zhili_qa.corpus import Span
from zhili_qa.evaluate import ask_conversation
from zhili_qa.figures import unsupported_figures


def clause(text: str) -> Span:
    return Span("bulletin", 1, "治理成果", "clause", 0, len(text), text)


def test_values_of_each_type():
    assert holds_value("罚没款124.839742万元", "money")
    assert holds_value("调控后定海区口腔种植体医疗服务价格均价在3500左右", "money")
    assert not holds_value("价格调控响应率达到100%", "money")  # a rate is never a sum
    assert holds_value("降幅达55%", "rate") and not holds_value("共培训16人次", "rate")
    assert holds_value("全省排名41", "rank") and holds_value("全市排名第二", "rank")
    assert holds_value("2023年6月底", "date") and not holds_value("开展检查督导", "date")
    assert holds_value("96110反诈热线处置申诉1500余条", "phone")
    assert not holds_value("公布定海投诉举报电话", "phone")
    assert holds_value("加强“校园食堂数字化管理平台”应用建设", "name")
    assert holds_value("在盘峙、小盘峙、富翅、里钓等4个海岛累计组织流动集市9次", "list")


def test_counts_in_the_asked_measure_or_a_like_one():
    assert holds_value("组织检查加油站110家次", "count", "家")
    assert holds_value("打处犯罪嫌疑人327名", "count", "人")
    assert not holds_value("共培训16人次", "count", "户")
    assert holds_value("发现并整改问题36个", "count", "个")
    # 人次 counts people's turns, which a count of deliveries or inspections is not.
    assert holds_value("共培训16人次", "count", "人次")
    assert not holds_value("累计开展订单配送95次", "count", "人次")
    assert not holds_value("组织检查加油站110家次", "count", "人次")
    assert not holds_value("批评教育帮助和处理19人", "count", "个")  # 几个 counts things, not people


def test_a_figure_the_question_states_does_not_answer_it():
    assert not holds_value("查处腐败和作风问题19个", "count", "个", {"19"})
    assert value_clauses("查处腐败和作风问题19个,推动职能部门整改问题56个", "count", "个", {"19"}) == [
        "推动职能部门整改问题56个"
    ]


def test_guard_lets_an_abstention_repeat_the_question_figures_only():
    assert unsupported_figures("降幅达55%[1]", ["降幅达55%"]) == []
    assert unsupported_figures("降幅达65%[1]", ["种植体平均价格降至900余元,降幅达55%"]) == ["65%"]


def verdict(lexical_assistant, question, text, number, context=None):
    project = lexical_assistant.corpus.documents[0].project(number)
    asked = lexical_assistant.reader.read(question)
    topic = f"{project.title} {project.lead}"
    return lexical_assistant.answerer.check.verdict(asked, clause(text), context or text, topic)


def test_near_miss_the_value_is_of_another_kind(lexical_assistant):
    assert verdict(lexical_assistant, "护理员培训一次多少钱", "开展养老护理员培训25人次", 3).reason == "type"
    assert verdict(lexical_assistant, "海岛订单配送每次送多少斤菜", "累计开展订单配送95次", 11).reason == "type"


def test_near_miss_the_value_is_of_another_subject(lexical_assistant):
    text = "共组织督导检查194次,查处腐败和作风问题19个,批评教育帮助和处理19人,推动职能部门整改问题56个"
    assert not verdict(lexical_assistant, "查处的19个问题里腐败问题几个", text, 0).answers
    # 几个村干部 counts people: 整改问题42个 counts problems
    assert verdict(lexical_assistant, "村社专项查下来处分了几个村干部", "发现并整改问题42个", 8).reason == "type"
    # 几名 counts heads: 224人次 counts attendances, whoever attended
    assert verdict(lexical_assistant, "村社专项查下来处分了几名村干部", "培训224人次", 8).reason == "type"
    assert verdict(lexical_assistant, "村社专项培训了多少人", "分层分级开展业务培训224人次", 8).answers


def test_round_18_near_misses(lexical_assistant):
    # a count that names, right after it, another thing than the one asked
    checked = "围绕培训机构监管、考试机构和考点监管等11项具体监督指标开展地毯式检查"
    assert not verdict(lexical_assistant, "职业技能培训检查发现了多少个问题", checked, 4).answers
    # how many there were, which a count of those handled does not say
    assert not verdict(lexical_assistant, "一共发生了多少起电信诈骗案子", "累计研判案件800起", 2).answers
    assert verdict(lexical_assistant, "反诈研判了多少起案件", "累计研判案件800起", 2).answers
    # the state before a change
    asked = "种植牙降费以前一颗总费用多少钱"
    assert not verdict(lexical_assistant, asked, "定海区单颗种植牙总费用控制在6000元左右", 10).answers


def test_round_18_answers(lexical_assistant):
    # a figure heard roughly is matched by the exact one it rounds to, not by any other
    rough = "加油机那个罚没款说一百二十多万，具体是多少"
    assert verdict(lexical_assistant, rough, "罚没款124.839742万元", 9).answers
    assert not verdict(
        lexical_assistant, "加油机那个罚没款说一百三十多万，具体是多少", "罚没款124.839742万元", 9
    ).answers
    # a system named by its own name answers 什么平台
    bought = "指导医疗机构按规定通过浙江省药械招采平台采购种植体"
    assert verdict(lexical_assistant, "种植体是通过什么平台采购的", bought, 10).answers
    # 时间节点 asks a date
    point = "2024年10月底前完成定海区小沙街道社区卫生服务中心院前医疗急救点设置"
    assert verdict(lexical_assistant, "小沙街道的院前急救点定的是哪个时间节点前完成设置", point, 12).answers


def test_near_miss_a_total_does_not_answer_one_unit(lexical_assistant):
    text = "组织检查加油站110家次,发现并推动整改问题13个,解决投诉件2件,行政立案5件,罚没款124.839742万元"
    assert verdict(lexical_assistant, "加油站罚款最多的一家罚了多少", "罚没款124.839742万元", 9, text).reason == "unit"


def test_another_place_or_year(lexical_assistant):
    assert (
        verdict(lexical_assistant, "宁波的口腔种植价格降了多少", "种植体平均价格降至900余元,降幅达55%", 10).reason
        == "place"
    )
    text = "2023年老旧小区改造55个区块,24个标段,289幢,涉及居民7327户"
    assert verdict(lexical_assistant, "2025年老旧小区改造了多少户", text, 7).reason == "year"
    assert verdict(lexical_assistant, "2023年老旧小区改造了多少户", text, 7).answers
    assert verdict(lexical_assistant, "老旧小区改造了多少户", text, 7).answers


def test_a_place_inside_the_district_must_be_the_one_the_passage_names(lexical_assistant):
    text = "2024年10月底前完成定海区小沙街道社区卫生服务中心院前医疗急救点设置"
    assert verdict(lexical_assistant, "马岙街道的院前急救点什么时候建好", text, 12).reason == "place"
    assert verdict(lexical_assistant, "小沙街道的院前急救点什么时候建好", text, 12).answers
    # A place in the asker's story asks nothing of it.
    asked = lexical_assistant.reader.read("我住在长峙岛，老旧小区改造了多少户")
    assert not asked.places


def test_the_bulletins_own_level_words_answer_for_its_city(lexical_assistant):
    text = "定海区生态环境公众满意度总分88.16,较去年提升3.09分,全省排名41,较去年提升27名,全市排名第二"
    assert verdict(lexical_assistant, "定海的生态环境满意度在舟山全市排老几", "全市排名第二", 6, text).answers
    assert verdict(lexical_assistant, "舟山全市反诈追回了多少钱", "去年累计追赃挽损1132.4万元", 2).reason == "place"


def test_answerable_phrasings_pass(lexical_assistant):
    assert verdict(lexical_assistant, "学校食堂查出来多少问题", "发现并整改问题36个", 1).answers
    assert verdict(
        lexical_assistant, "有多少特困老人住进了定点供养机构", "192名特困人员入住定点特困供养机构", 3
    ).answers
    assert verdict(lexical_assistant, "被骗子骗走的钱去年追回来多少", "去年累计追赃挽损1132.4万元", 2).answers


def test_a_change_answers_how_far_a_figure_moved_and_a_level_where_it_stands():
    assert holds_value("降幅达55%", "change") and holds_value("较去年提升3.09分", "change")
    assert not holds_value("种植体平均价格降至900余元", "change")  # 降至 is where it stands
    assert not holds_value("总收入增长率同比高出2022年8个百分点", "rate")  # a difference, not the rate
    assert not holds_value("较去年提升27名", "rank") and holds_value("全省排名41", "rank")


def test_a_loss_averted_does_not_answer_a_loss_suffered(lexical_assistant):
    text = "全年开展劝阻11637人次,成功劝阻百万电诈警情3起,避免群众财产损失5000余万元"
    assert (
        verdict(lexical_assistant, "群众被电信诈骗损失了多少钱", "避免群众财产损失5000余万元", 2, text).reason
        == "subject"
    )
    assert verdict(lexical_assistant, "反诈避免了多少损失", "避免群众财产损失5000余万元", 2, text).answers


def test_a_list_names_things_of_the_kind_asked(lexical_assistant):
    islands = "在盘峙、小盘峙、富翅、里钓等4个海岛累计组织流动集市9次"
    assert verdict(lexical_assistant, "流动集市去了哪几个岛", islands, 11).answers
    situations = "所涉问题主要涉及同一本证书在不同地方享受培训补贴、一年超三次享受培训补贴、超龄领取培训补贴等情况"
    assert verdict(lexical_assistant, "培训补贴查出了哪些违规情况", situations, 4).answers
    assert not verdict(lexical_assistant, "被追回钱的是哪几家培训机构", situations, 4).answers


def test_how_many_there_are_is_not_a_count_of_those_that_acted(lexical_assistant):
    assert not verdict(lexical_assistant, "定海全区一共有多少所中小学", "32所中小学完成自纠自查", 1).answers
    assert verdict(
        lexical_assistant, "有多少名特困人员入住定点特困供养机构", "192名特困人员入住定点特困供养机构", 3
    ).answers
    assert verdict(
        lexical_assistant, "反诈阵地有多少处", "打造反诈公交、警银反诈驿站、反诈菜场等12处反诈阵地", 2
    ).answers


def test_a_move_is_of_the_level_and_measure_asked(lexical_assistant):
    text = "定海区生态环境公众满意度总分88.16,较去年提升3.09分,全省排名41,较去年提升27名,全市排名第二"
    assert verdict(lexical_assistant, "全省排名比去年提升了几名", "较去年提升27名", 6, text).answers
    assert not verdict(lexical_assistant, "全市排名比去年提升了几名", "较去年提升27名", 6, text).answers
    assert not verdict(lexical_assistant, "排名比去年提升了几名", "较去年提升3.09分", 6, text).answers


def test_the_state_before_a_change_is_not_the_state_after(lexical_assistant):
    text = "9家医疗机构共采购中选种植体960套,种植体平均价格降至900余元,降幅达55%"
    assert not verdict(lexical_assistant, "种植体降价之前平均多少钱", "种植体平均价格降至900余元", 10, text).answers


def test_a_rate_is_of_the_thing_asked(lexical_assistant):
    text = "实现全区开展口腔种植服务的各级公立医疗机构单颗常规种植全流程价格调控响应率达到100%"
    assert not verdict(lexical_assistant, "种植牙医保能报销多少比例", text, 10).answers
    assert verdict(lexical_assistant, "滞留境外的人劝回来的比例是多少", "劝返率达93.75%", 2).answers


def test_a_sum_is_of_the_act_asked_and_a_date_to_the_precision_asked(lexical_assistant):
    text = "截至目前,定海区单颗种植牙总费用控制在6000元左右,总费用降幅约45%"
    assert not verdict(
        lexical_assistant, "种牙医保能报销多少", "定海区单颗种植牙总费用控制在6000元左右", 10, text
    ).answers
    title = "制定《定海区2023年噪声污染问题专项治理工作方案》"
    assert not verdict(lexical_assistant, "噪声治理工作方案是几月几号印发的", title, 6).answers
    hospital = "同年11月完成浙江定海医院(上海瑞金医院舟山分院)院前医疗急救点设置并投入使用"
    assert verdict(lexical_assistant, "浙江定海医院还挂了哪家医院的牌子", hospital, 12).answers
    assert not verdict(lexical_assistant, "区医疗急救站的站长是谁", hospital, 12).answers


def test_kinds_acts_and_losses_asked(lexical_assistant):
    returned = "累计教育劝返我区滞留境外重点人员15名,劝返率达93.75%"
    assert not verdict(lexical_assistant, "劝返回来的15名滞留境外人员之前待在哪个国家", returned, 2).answers
    letter = "指导各医疗机构在内部明显位置张贴《致广大口腔种植患者的一封信》"
    assert not verdict(lexical_assistant, "在定海种牙，医保能不能报销一部分？", letter, 10).answers
    recovered = "持续加大追赃挽损力度,尽最大可能挽回受害人损失,去年累计追赃挽损1132.4万元"
    assert verdict(
        lexical_assistant, "去年电诈一共帮受害人追回来多少钱", "去年累计追赃挽损1132.4万元", 2, recovered
    ).answers


def test_a_count_by_the_act_asked_is_preferred(lexical_assistant):
    answer = lexical_assistant.ask("老是怀疑加油站的枪少给油，你们到底查过几家加油站没有？")
    assert "110家次" in answer.answer


def test_a_group_counted_and_a_part_of_a_group_must_be_named(lexical_assistant):
    text = "共整改问题22个,涉及人数88人,追回违规资金8.69万元"
    assert not verdict(
        lexical_assistant, "培训补贴那块，公务员违规领补贴的到底有几个人？", "涉及人数88人", 4, text
    ).answers
    solved = "2023年我区农村回迁安置5年以上未安置问题全部解决,3-5年未安置问题解决560户"
    assert not verdict(lexical_assistant, "过渡期5年以上的回迁户里，有多少户是用宅基地安置的？", solved, 5).answers
    # A part singled out by its cause (因…而追回的) is no more the whole than one singled out by its owner.
    cause = "培训补贴追回的违规资金中，因超龄领取补贴而追回的金额有多少？"
    assert not lexical_assistant.ask(cause).found


def test_a_day_asked_is_not_told_by_another_clause_of_the_sentence(lexical_assistant):
    # The sentence dates the 急救站 to 6月底 and the 急救点 only to 同年11月: 哪天 is told of the first alone.
    assert not lexical_assistant.ask("瑞金医院舟山分院那个院前急救点，到底是几号开始用的？").found
    assert "6月底" in lexical_assistant.ask("区医疗急救站是哪一天独立挂牌的？").answer


def test_a_count_of_another_thing_in_the_question_is_context_not_a_qualifier(lexical_assistant):
    answer = lexical_assistant.ask("督导检查一百九十四次，推动职能部门整改的问题有多少个？")
    assert "56个" in answer.answer


def test_a_figure_planned_is_the_goals_and_one_done_the_results(lexical_assistant):
    planned = lexical_assistant.ask("加油机专项原本计划培育几个诚信计量示范加油站点？我问的是目标，不是最后完成的数")
    assert planned.found and "3个" in planned.answer and "4个" not in planned.answer
    both = lexical_assistant.ask("加油机专项目标中计划培育几个诚信计量示范加油站点？实际分别培育了几个？")
    assert both.found and "3个" in both.answer and "4个" in both.answer
    # A deadline the goal does not set is told by the results.
    assert "2024年10月底" in lexical_assistant.ask("小沙那边的院前急救点计划几时弄好").answer


def test_a_part_of_a_whole_the_question_states_is_not_the_whole(lexical_assistant):
    answer = lexical_assistant.ask("公告说批评教育帮助和处理了19人，其中受到处理的是几个人？")
    assert not answer.found


def test_a_sum_averted_is_no_sum_lost(lexical_assistant):
    assert not lexical_assistant.ask("反诈那块，群众被电信诈骗骗走的钱总共有多少？").found
    assert "5000余万元" in lexical_assistant.ask("反诈避免了多少财产损失").answer


def test_points_of_a_rate_and_figures_in_ten_thousands(lexical_assistant):
    assert "8个百分点" in lexical_assistant.ask("村级集体经济总收入增长率比2022年同比高出几个百分点").answer
    assert "59万平方米" in lexical_assistant.ask("老旧小区改造建筑面积大约多少平方米").answer
    assert not lexical_assistant.ask("定海区纪委书记现在是谁").found


def test_a_question_after_a_list_of_projects_is_asked_of_each(lexical_assistant):
    answer = lexical_assistant.ask("特困供养机构的护理员培训、村经济合作社的业务培训，各是多少人次？哪个多？")
    assert answer.found and "25人次" in answer.answer and "224人次" in answer.answer


def test_a_choice_of_a_named_projects_lead_is_its_lead(lexical_assistant):
    answer = lexical_assistant.ask("农村回迁安置慢这项，牵头的是资规部门还是住建局？")
    assert "市资源规划局定海分局" in answer.answer


def test_which_place_of_a_kind_needs_a_place_of_that_kind_named(lexical_assistant):
    assert not lexical_assistant.ask("生态环境公众满意度，全市排第一的是哪个区县？").found


def test_english_where_a_price_fell_to_and_by_how_much(lexical_assistant):
    answer = lexical_assistant.ask(
        "After centralized procurement, what did the average dental implant price drop to, and by what percentage?"
    )
    # (Which fall is quoted second depends on the encoder: BM25 alone here takes 总费用降幅约45%.)
    assert "900余元" in answer.answer and "降幅" in answer.answer and len(answer.citations) == 2


def test_the_campaigns_totals_answer_a_count_no_project_gives(lexical_assistant):
    answer = lexical_assistant.ask("一共会同了几家单位")
    assert answer.found and "11家单位" in answer.answer and answer.citations[0].project == 0
    # A count of another thing in the preamble (11家单位) is no count of 机构.
    assert not lexical_assistant.ask("撤并以后全区一共还有几家特困供养机构").found


def test_who_did_more_of_a_count_compares_figures(lexical_assistant):
    answer = lexical_assistant.ask("职业技能培训和村经济合作社两项，谁组织的检查次数多？各多少次？")
    assert "42次" in answer.answer and "14次" in answer.answer and "牵头单位" not in answer.answer


def test_a_stock_asked_beside_a_story_is_no_count_of_visits_or_of_those_picked(lexical_assistant):
    # 110家次 counts visits to stations, 4个示范站点 those picked out: neither is how many there are.
    assert not lexical_assistant.ask("我天天跑加油站 定海到底一共有多少个加油站啊 给我个数").found
    assert "38次" in lexical_assistant.ask("孩子学校食堂到底有没有人去查啊，查了几趟？").answer


def test_the_names_of_stations_are_not_their_count(lexical_assistant):
    assert not lexical_assistant.ask("培育出来的那几个诚信计量示范加油站点是哪几家？叫什么名字？").found
    assert not lexical_assistant.ask("诚信计量示范加油站在哪 叫啥名").found


def test_english_how_many_of_a_thing_counts_that_thing(lexical_assistant):
    answer = lexical_assistant.ask(
        "How many problems were found in the school canteen checks, and how many in the dental clinic spot checks?"
    )
    assert "36个" in answer.answer and "16个" in answer.answer


def test_a_figure_the_asker_states_roughly_answers_no_other_question(lexical_assistant):
    assert not lexical_assistant.ask("电诈去年追回来一千一百多万 那咱这群众一共被骗了多少钱").found
    assert not lexical_assistant.ask("加油站罚的那一百二十多万 里头罚款是多少").found
    # Asked exactly, or guessed after the question, it is the answer.
    assert "124.839742万元" in lexical_assistant.ask("加油机那个罚没款说一百二十多万 具体是多少").answer
    assert (
        "3935"
        in lexical_assistant.ask("二级及以下公立医疗机构单颗常规种植，调控目标是不超过多少钱？三千九百多？").answer
    )


def test_a_percentage_is_not_a_difference_in_points(lexical_assistant):
    assert not lexical_assistant.ask("村集体经济总收入 2023年到底涨了百分之多少 给个具体数").found
    assert "8个百分点" in lexical_assistant.ask("村集体经济收入增长率比2022年高了几个百分点").answer


def test_the_year_is_read_from_the_sentence_that_asks(lexical_assistant):
    assert not lexical_assistant.ask("2022年那时候，菜篮子海岛订单配送开展了多少次？我想跟2023年比一比。").found
    asked = "2023年口腔种植检查的家次公告里有了，我想问的是2024年，口腔种植这块又检查了多少家次？"
    assert not lexical_assistant.ask(asked).found


def test_a_place_in_a_ranking_is_asked_by_its_ordinal(lexical_assistant):
    assert not lexical_assistant.ask("噪声那个满意度全市排第二 那第一是哪个区").found
    assert "第二" in lexical_assistant.ask("噪声满意度全市排第几").answer


def test_a_count_named_by_what_it_numbers_needs_that_named(lexical_assistant):
    assert not lexical_assistant.ask("2023年定海区电信网络诈骗案件的立案数是多少起？").found
    assert "14次" in lexical_assistant.ask("村经济合作社专项：共检查几次、发现并整改问题多少个？两个数都要。").answer


def test_english_requests_fines_and_each_institution(lexical_assistant):
    fine = "Under the Anti-Telecom and Online Fraud Law, what is the maximum administrative fine for an individual?"
    assert not lexical_assistant.ask(fine).found
    each = "Could you break down the 960 implant sets — how many did each of the 9 medical institutions purchase?"
    assert not lexical_assistant.ask(each).found


def test_whether_the_bulletin_says_one_thing_is_not_a_question_about_all_of_it(lexical_assistant):
    answer = lexical_assistant.ask("我们册子岛这边在搞垃圾分类，厨余垃圾桶多久收一次？公告里有没有说？")
    assert not answer.found and "公告公布了以下" not in answer.answer


def test_a_move_said_in_other_words_than_the_bulletins(lexical_assistant):
    answer = lexical_assistant.ask("噪声污染专项治理全省排第几？比上一年往前进了多少名？")
    assert "27名" in answer.answer
    answer = lexical_assistant.ask("现在定海种一颗牙总共大概要花多少钱，比以前便宜了多少？")
    assert "6000元左右" in answer.answer and "45%" in answer.answer and "55%" not in answer.answer


def test_an_acronym_is_asked_and_a_stated_rate_is_not(lexical_assistant):
    assert not lexical_assistant.ask("定海区2023年GDP是多少？").found
    assert not lexical_assistant.ask("新开手机用户境外来电关闭率96%，具体关闭了多少户？").found
    assert "15名" in lexical_assistant.ask("反诈那边劝返率百分之九十三点七五，实际劝返了几个人？").answer


def test_one_case_of_a_total_is_not_the_total(lexical_assistant):
    assert not lexical_assistant.ask("入选省局十大案例的那1件大案,罚了多少钱").found


def test_english_departments_areas_and_firms(lexical_assistant):
    lead = "Which government department led the campaign on old residential community renovation?"
    assert "区住建局" in lexical_assistant.ask(lead).answer
    area = "What total floor area did the 2023 old residential community renovation in Dinghai cover?"
    assert "59万平方米" in lexical_assistant.ask(area).answer
    firm = "What is the name of the third-party firm that audited the vegetable basket subsidy funds?"
    assert not lexical_assistant.ask(firm).found


def test_a_place_inside_the_district_the_passage_does_not_name(lexical_assistant):
    answer = lexical_assistant.ask("白泉片区的急救点是哪年哪月投入使用的")
    assert not answer.found and "白泉片区" in answer.answer


def test_the_provinces_bureau_leads_no_project_and_its_list_names_no_station(lexical_assistant):
    answer = lexical_assistant.ask("被省市场监管局评为诚信计量加油站的那一家叫什么名字？")
    assert not answer.found


def test_a_figure_that_finds_the_project_whose_lead_is_asked(lexical_assistant):
    answer = lexical_assistant.ask("培训养老护理员25人次，是哪个部门牵头的？")
    assert answer.found and "区民政局" in answer.answer


def test_the_one_big_case_is_not_the_total_fined(lexical_assistant):
    answer = lexical_assistant.ask("加油站那个入选十大案例的大案罚了多少钱")
    assert not answer.found


def test_a_yes_or_no_against_last_year_needs_a_change_of_what_is_asked(lexical_assistant):
    assert not lexical_assistant.ask("学校食堂检查次数比去年多吗").found
    answer = lexical_assistant.ask("噪声治理以后生态环境满意度比上年好吗")
    assert answer.found and "提升" in answer.answer


def test_a_province_is_covered_only_by_what_is_said_of_the_whole_province(lexical_assistant):
    assert not lexical_assistant.ask("浙江省纪委考核各区县专项治理的评分办法是什么").found
    assert not lexical_assistant.ask("普陀山到定海有没有直达大巴？").found


def test_english_avoided_losses_and_a_fall_asked_by_about_what_percentage(lexical_assistant):
    avoided = lexical_assistant.ask("How much property loss did the anti-fraud dissuasion work help residents avoid?")
    assert avoided.found and "5000余万元" in avoided.answer
    asked = "What is the total cost of one implant now, and by about what percentage did the total cost fall?"
    answer = lexical_assistant.ask(asked)
    assert "6000元左右" in answer.answer and "45%" in answer.answer


def test_a_quoted_term_read_of_in_one_part_and_its_kinds(lexical_assistant):
    answer = lexical_assistant.ask("反诈宣传里提到的“反诈阵地”都有哪些形式？")
    assert answer.found and "反诈公交" in answer.answer
    grandchild = lexical_assistant.ask("阿拉孙女学堂里食堂查了几趟")
    assert grandchild.found and "38次" in grandchild.answer


def test_figures_asked_of_each_thing_listed_need_every_thing_named(lexical_assistant):
    asked = "过渡期3-5年的那615户，分别是交付安置房、安排宅基地、支付补偿款解决的各多少户？"
    assert not lexical_assistant.ask(asked).found
    caps = lexical_assistant.ask("对三甲、三乙、二级及以下公立医疗机构，单颗常规种植的价格上限分别是多少？")
    assert caps.found and "4275元" in caps.answer


def test_a_total_sum_is_not_one_units_price(lexical_assistant):
    assert not lexical_assistant.ask("那960套种植体，采购一共花了多少钱？").found
    one = lexical_assistant.ask("单颗种植牙一共要多少钱")
    assert one.found and "6000元左右" in one.answer


def test_this_year_is_the_year_asked_in_not_the_bulletins(lexical_assistant):
    assert not lexical_assistant.ask("今年反诈追回来多少钱").found
    story = lexical_assistant.ask("听说生态环境满意度今年排名上去了。噪声治理以后满意度总分多少分？")
    assert story.found and "88.16" in story.answer


def test_a_kind_named_as_one_item_of_a_list_lists_none_of_that_kind(lexical_assistant):
    assert not lexical_assistant.ask("全区到底是哪几路公交算反诈公交？").found
    islands = lexical_assistant.ask("流动集市都开到了哪些岛上？")
    assert islands.found and "小盘峙" in islands.answer


def test_a_figure_asked_of_the_goal_in_a_measure_or_inside_the_goal_field(lexical_assistant):
    years = lexical_assistant.ask("回迁安置的治理目标，说是几年以上没安置的要全部解决？")
    assert years.found and "5年以上" in years.answer
    # 目标里 says where to look; it is no whole of which 三乙医院 is a part.
    cap = lexical_assistant.ask("口腔种植治理目标里三乙医院单颗上限是多少？")
    assert cap.found and "4105元" in cap.answer


def test_a_list_of_a_kind_asked_before_a_verb_names_that_kind(lexical_assistant):
    # 哪几个培训机构收回来的: 机构 is the kind listed, which a list of kinds of violation does not name.
    assert not lexical_assistant.ask("那8.69万元违规资金是从哪几个培训机构收回来的").found


def test_figures_confirmed_caps_and_changes_on_the_year_before(lexical_assistant, reader):
    # A yes or no on a stated figure needs a figure to hold it to: 有较大提升 says none.
    assert not lexical_assistant.ask("食堂整治以后家长满意度是不是到了95%").found
    # What a hospital actually charges is no cap (不超过4105元).
    charged = lexical_assistant.ask("三乙医院种一颗常规种植牙实际平均收费是多少")
    assert "不超过" not in charged.answer or not charged.found
    # 比上一年多了几分 asks the change (3.09分), not the score.
    assert reader.read("定海生态环境满意度比上一年多了几分").answer_type == "change"


def test_a_word_the_bulletin_never_uses_is_not_found_in_scattered_characters(lexical_assistant):
    # 生产总值: 生 of 生态 and 总 of 总分 are no part of it, so a satisfaction score is no GDP.
    assert not lexical_assistant.ask("定海区2023年的地区生产总值是多少").found
    # A word partly there, close together (颗牙 in 单颗种植牙), still counts.
    implant = lexical_assistant.ask("三乙医院单颗牙的种植总价上限是多少")
    assert implant.found and "4105元" in implant.answer


def test_a_name_is_of_the_kind_asked(lexical_assistant):
    # 系统“震慑” and 谋划系统布局 name no system; “放心加油”智慧监管平台 is the system citizens mean.
    fuel = lexical_assistant.ask("加油站那个监管的系统叫啥")
    assert fuel.found and "放心加油" in fuel.answer
    # “浙农经管”应用 names the app, though the asker says 村里 and 集体资产 where the sentence does not.
    village = lexical_assistant.ask("村里集体资产管理的那个数字应用叫什么")
    assert village.found and "浙农经管" in village.answer
    assert not lexical_assistant.ask("反诈宣传的抖音号叫啥").found


def test_a_long_figure_asked_what_it_is_is_answered_by_the_clause_stating_it(lexical_assistant):
    answer = lexical_assistant.ask("反诈里头一千一百三十二点四万指的是啥")
    assert answer.found and "追赃挽损" in answer.answer
    # A figure named beside another question is no question of what it is.
    lost = lexical_assistant.ask("追回了1132.4万，那群众总共被骗了多少钱")
    assert not lost.found or "1132.4万元" not in lost.answer


def test_a_list_of_names_opens_at_a_break_not_inside_words(lexical_assistant):
    # …对加油站(供应站)的暗访、监督检查 lists acts after a bracket, no names.
    assert not holds_value("2次组织群众计量监督员参加对加油站(供应站)的暗访、监督检查", "list")
    assert holds_value("在盘峙、小盘峙、富翅、里钓等4个海岛累计组织流动集市9次", "list")
    islands = lexical_assistant.ask("流动集市去了哪几个岛")
    assert islands.found and "小盘峙" in islands.answer


def test_a_cap_asked_in_everyday_words(lexical_assistant):
    answer = lexical_assistant.ask("三甲医院种一颗牙封顶多少钱")
    assert answer.found and "4275元" in answer.answer


def test_a_name_is_no_figure_of_one_unit(lexical_assistant):
    # 每天 in the asker's aside asks no per-unit figure of a name.
    answer = lexical_assistant.ask("学校食堂那个数字化管理平台叫啥名字 每天都想看看")
    assert answer.found and "校园食堂数字化管理平台" in answer.answer


def test_those_a_clause_of_de_describes_are_counted_by_what_they_did(lexical_assistant):
    # 住进定点机构的，现在有多少人: those who moved in, which 192名…入住 counts.
    answer = lexical_assistant.ask("特困老人住进定点供养机构的，一共有多少人？")
    assert answer.found and "192名" in answer.answer
    # A count of what exists is still not answered by those that did something (32所…完成自纠自查).
    assert not lexical_assistant.ask("全区一共有多少所中小学？").found


def test_a_guess_offered_after_how_many_is_no_figure_the_question_states(lexical_assistant, reader):
    assert "30" not in reader.read("食堂一共检查了几次，是不是三十次").given
    answer = lexical_assistant.ask("食堂一共检查了几次，是不是三十次")
    assert answer.found and "38次" in answer.answer
    assert "7327户" in lexical_assistant.ask("老旧小区改造涉及多少户居民，是七千多户吗").answer


def test_everyone_helped_is_not_what_is_counted(lexical_assistant, reader):
    assert reader.read("民警一年帮大伙劝阻了多少人").counted != "大伙"
    assert "11637人次" in lexical_assistant.ask("民警一年帮大伙劝阻了多少人").answer


def test_the_project_itself_counted_is_answered_by_its_figure(lexical_assistant):
    answer = lexical_assistant.ask("职业技能培训这块一共涉及多少人")
    assert answer.found and "88人" in answer.answer


def test_one_kind_named_in_a_list_of_what_a_total_covers_is_not_counted_by_it(lexical_assistant):
    # 涉及人数88人 counts everyone of 同一本证书…、超龄领取…、公务员享受… together.
    assert not lexical_assistant.ask("公务员享受培训补贴的一共有几个人").found


def test_a_bureau_named_in_a_yes_or_no_about_results_does_not_list_its_projects(lexical_assistant):
    answer = lexical_assistant.ask("区卫健局检查种牙机构发现的问题都整改到位了吗")
    assert answer.found and "16个" in answer.answer and "牵头的项目" not in answer.answer


def test_an_act_said_in_a_word_jieba_cuts_apart_is_still_the_act_counted(lexical_assistant, reader):
    assert "拦了" in reader.read("反诈这块一年拦了多少人").subject
    assert "11637人次" in lexical_assistant.ask("反诈这块一年拦了多少人").answer


def test_a_time_of_day_is_not_told_by_a_date_nor_by_a_count(lexical_assistant):
    assert not lexical_assistant.ask("反诈菜场每天几点开门").found
    assert not lexical_assistant.ask("What are the opening hours of the anti-fraud market?").found
    assert lexical_assistant.ask("定海区医疗急救站是什么时候挂牌的").found


def test_a_part_of_a_stated_group_of_people_is_not_the_group(lexical_assistant, reader):
    assert reader.read("惩戒的83名人员中有多少是公职人员").part == ("公职人员",)
    assert not lexical_assistant.ask("惩戒的83名人员中有多少是公职人员").found


def test_how_often_is_told_by_a_frequency_not_by_a_count(lexical_assistant, reader):
    assert reader.read("小班化急救技能培训隔多久办一回").answer_type == "frequency"
    answer = lexical_assistant.ask("小班化急救技能培训隔多久办一回")
    assert answer.found and "两月一期" in answer.answer
    assert not lexical_assistant.ask("特困供养机构多长时间检查一次").found  # 23次 is how many, not how often


def test_which_is_most_among_the_named_projects_asks_no_one_units_figure(lexical_assistant):
    answer = lexical_assistant.ask("老旧小区、特困供养机构和食堂这三个专项，分别检查了多少次？哪个最多？")
    assert answer.found and all(figure in answer.answer for figure in ("316次", "23次", "38次"))


def test_a_bureau_said_to_lead_the_project_describes_it_in_cantonese_too(lexical_assistant):
    answer = lexical_assistant.ask("區住建局牽頭嗰個舊改治理，約談咗幾多人？")
    assert answer.found and "4人" in answer.answer
    assert lexical_assistant.reader.read("定海區紀委書記係邊個").answer_type == "person"
    assert "32所" in lexical_assistant.ask("有幾多間中小學完成咗自糾自查？").answer


def test_each_of_a_stated_number_of_units_asks_one_units_figure(lexical_assistant):
    assert not lexical_assistant.ask("55个区块分别改造了多少幢楼").found  # 289幢 is all of them
    assert lexical_assistant.ask("55个区块一共改造了多少幢楼").found


def test_a_word_of_price_anchors_no_unknown_thing_to_the_bulletin(lexical_assistant):
    assert not lexical_assistant.ask("定海哪家修电动车便宜").found
    assert lexical_assistant.ask("种一颗牙现在便宜了多少").found


def test_a_term_of_one_project_done_is_counted_only_where_named(lexical_assistant):
    # 立案 is a term of the fuel-pump project only: 研判案件800起 counts cases studied, not cases filed.
    assert not lexical_assistant.ask("电诈那边去年立案了多少起").found
    assert not lexical_assistant.ask("电诈案件立案多少起").found
    answer = lexical_assistant.ask("加油站那边立案了几件")
    assert answer.found and "5件" in answer.answer


def test_an_item_of_a_list_named_in_the_story_is_not_the_one_asked(lexical_assistant):
    answer = lexical_assistant.ask("我姑妈住在大猫岛上，听说有订单配送，一共配送了几次")
    assert answer.found and "95次" in answer.answer
    assert not lexical_assistant.ask("我住在里钓岛，我们岛上流动集市办过几次").found  # 9次 is of four islands


def test_a_count_of_those_an_act_was_done_to_needs_that_act(lexical_assistant):
    assert not lexical_assistant.ask("去年全区有多少人被网络诈骗骗了钱").found
    answer = lexical_assistant.ask("被劝返回来的一共有多少人")
    assert answer.found and "15名" in answer.answer


def test_whether_one_thing_is_among_those_counted_needs_it_named(lexical_assistant):
    assert not lexical_assistant.ask("我女儿读的定海二中在不在那32所自查的中小学里面").found
    turns = ["老小区去年改造了多少幢", "那我家那幢在不在里面，解放西路的"]
    assert not ask_conversation(lexical_assistant.ask, turns).found  # no overview says
    answer = lexical_assistant.ask("盘峙在不在搞流动集市的那几个海岛里面")
    assert answer.found and "盘峙" in answer.answer


def test_the_clause_telling_the_way_asked_is_quoted(lexical_assistant):
    project = lexical_assistant.corpus.documents[0].project(10)
    sentence = next(u for u in project.units if u.kind == "sentence" and "960套" in u.text)
    asked = lexical_assistant.reader.read("那种植体降到多少了")
    quoted = lexical_assistant.answerer._narrowed(asked, project, sentence)
    assert "900余元" in quoted.text and "960套" not in quoted.text


def test_which_petrol_stations_asks_their_names(lexical_assistant):
    assert lexical_assistant.reader.read("被立案的是哪几个加油站").answer_type == "entity"
    assert not lexical_assistant.ask("立案查处的是哪几个加油站，能不能说一下").found


def test_those_counted_by_an_act_the_bulletin_never_names(lexical_assistant):
    assert not lexical_assistant.ask("电诈抓的那些人里，最后判刑的有几个").found
    answer = lexical_assistant.ask("劝返回来的有几个")
    assert answer.found and "15名" in answer.answer
