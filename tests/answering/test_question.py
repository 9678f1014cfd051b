"""Question analysis: answer type, measure, subject, figures, places, years, English, typos, long messages."""

import pytest


@pytest.mark.parametrize(
    ("question", "kind", "measure"),
    [
        ("加油站罚了多少钱", "money", ""),
        ("种植体集采以后价格降了百分之几", "change", ""),
        ("种植体平均价格降幅是多少", "change", ""),
        ("劝返率是多少", "rate", ""),
        ("噪声治理全省排第几", "rank", ""),
        ("生态环境满意度总分多少分", "score", ""),
        ("小沙的急救点什么时候建好", "date", ""),
        ("反诈热线电话是多少", "phone", ""),
        ("回迁的安置房具体地址在哪里", "address", ""),
        ("区医疗急救站的站长是谁", "person", ""),
        ("老旧小区改造由哪个局负责", "organisation", ""),
        ("回迁安置专项治理的目标是什么", "goal", ""),
        ("食堂检查了几次", "count", "次"),
        ("检查了多少家次加油站", "count", "家次"),
        ("学校食堂查出来多少问题", "count", "个"),
        ("有多少特困老人住进了定点供养机构", "count", "人"),
        ("村社和特困供养机构哪个检查的次数多", "count", "次"),
        ("海岛流动集市去了哪几个岛", "list", ""),
        ("学校食堂用的那个数字化平台叫什么名字", "name", ""),
        ("食堂检查出来的问题都整改了吗", "yes_no", ""),
        ("学校食堂的治理取得了什么成果", "overview", ""),
    ],
)
def test_answer_type_and_measure(reader, question, kind, measure):
    asked = reader.read(question)
    assert (asked.answer_type, asked.measure) == (kind, measure)


def test_subject_drops_question_words_and_keeps_what_is_asked(reader):
    asked = reader.read("菜篮子惠民店一共有多少家")
    assert any("惠民店" in word for word in asked.subject)
    assert not {"一共", "多少", "有"} & set(asked.subject)


def test_counted_noun_is_what_the_figure_counts(reader):
    assert reader.read("学校食堂查出来多少问题").counted == "问题"
    assert reader.read("有多少特困人员住进了定点供养机构").counted.endswith("人员")


def test_figures_the_question_states_exclude_years_and_one_of_a_thing(reader):
    assert reader.read("查处的19个问题里腐败问题几个").given == {"19"}
    assert reader.read("2023年老旧小区改造了多少户").given == set()
    assert reader.read("种一颗牙多少钱").given == set()


def test_chinese_numerals_become_digits_but_words_stay(reader):
    assert "96110" in reader.read("九六一一零是什么电话").text
    assert "36个" in reader.read("食堂查出来的三十六个问题都整改了没").text
    assert "一共" in reader.read("一共检查了几次").text
    assert "哪一年" in reader.read("专项治理是从哪一年开始的").text


@pytest.mark.parametrize(
    ("typed", "mended"),
    [
        ("中小学事堂采购谁负责", "食堂"),
        ("种值牙多少钱", "种植"),
        ("加油几专项罚了多少钱", "加油机"),
        ("噪生污染治理", "噪声"),
    ],
)
def test_one_character_homophone_typos_are_mended(reader, typed, mended):
    assert mended in reader.read(typed).text


def test_known_words_are_never_mended(reader):
    # 机构检查 holds no typo 构检 though 构建 reads the same; 哪个局 is not 格局.
    assert reader.read("特困供养机构检查了几次").text == "特困供养机构检查了几次"
    assert reader.read("老旧小区改造由哪个局负责").text == "老旧小区改造由哪个局负责"


def test_more_than_is_written_as_the_bulletin_writes_it(reader):
    assert "8年以上" in reader.read("过渡期超过8年还没安置的有几户").text


def test_places_other_than_the_home_district(reader):
    assert [p.name for p in reader.read("宁波的口腔种植价格降了多少").places] == ["宁波"]
    assert [p.name for p in reader.read("普陀区现在种一颗牙多少钱").places] == ["普陀区"]
    assert reader.read("定海区生态环境公众满意度多少分").places == ()


def test_a_year_compared_against_is_not_the_year_asked(reader):
    assert reader.read("2023年增长率同比高出2022年多少个百分点").years == (2023,)
    assert reader.read("2023年增长率同比高出2022年多少个百分点").answer_type == "change"


def test_years_asked_relative_and_compared(reader):
    assert reader.read("2025年老旧小区改造了多少户").years == (2025,)
    assert reader.read("去年追回了多少钱").years == (2023,)  # the bulletin's own 去年
    assert reader.read("明年计划检查几次").years == (2024,)
    assert reader.read("增长率比2022年高出多少").years == ()


def test_english_is_read_as_the_chinese_question_it_asks(reader):
    asked = reader.read("How many buildings were covered by the old residential community renovation?")
    assert asked.english and (asked.answer_type, asked.measure) == ("count", "幢")
    assert "老旧小区" in asked.text
    lead = reader.read("Which department leads the noise pollution campaign?")
    assert lead.answer_type == "organisation" and "噪声" in lead.text


def test_a_long_message_is_read_from_its_asking_clauses(reader):
    message = "我家住在大马路边上，孩子今年要考试，晚上车子声音吵得要命，我就想问问噪声治理以后满意度总分是多少"
    asked = reader.read(message)
    assert asked.asking.endswith("满意度总分是多少") and "孩子" not in asked.asking
    assert asked.answer_type == "score"


def test_per_unit_questions(reader):
    assert reader.read("加油站罚款最多的一家罚了多少").per_unit
    assert reader.read("种一颗牙多少钱").per_unit
    assert not reader.read("加油站一共罚了多少钱").per_unit


def test_compound_questions_split_into_their_questions():
    from zhili_qa.answering.message import compound_parts

    assert compound_parts("食堂检查了多少次，发现多少问题") == ["食堂检查了多少次", "发现多少问题"]
    assert compound_parts("食堂和加油站各检查了多少次，哪个多") == ["食堂和加油站各检查了多少次,哪个多"]  # normalised
    assert compound_parts("种一颗牙要好几万 这价钱政府到底管不管啊") == ["种一颗牙要好几万 这价钱政府到底管不管啊"]
    # A yes or no after a figure asks its own; after 谁 it presses for the same fact; one naming a figure guesses it.
    assert compound_parts("信访投诉一共收了多少件，最后都摆平了没") == ["信访投诉一共收了多少件", "最后都摆平了没"]
    assert compound_parts("受理了多少件信訪投訴？都化解了嗎") == ["受理了多少件信访投诉", "都化解了吗"]
    assert len(compound_parts("小区改造 有意见找谁 有人监管没有")) == 1
    assert len(compound_parts("反诈劝阻了多少人次，是不是一万多")) == 1
    # Who asked, before or after the question, asks nothing; nor does 别光跟我说成效.
    assert compound_parts("来电的阿姨问，反诈那边去年帮大家追回来多少钱啊？") == ["反诈那边去年帮大家追回来多少钱啊?"]
    assert compound_parts("合作社那个专项治理查了几回？来电的大爷问的。") == ["合作社那个专项治理查了几回?"]
    assert compound_parts("合作社检查了几次 查出来多少问题 别光跟我说成效") == ["合作社检查了几次", "查出来多少问题"]
    # 几幢楼、多少户居民: the second asks of what the first does, in another measure.
    assert compound_parts("老旧小区改造一共涉及几幢楼、多少户居民？") == [
        "老旧小区改造一共涉及几幢楼",
        "老旧小区改造一共涉及多少户居民",
    ]
    # Two counts named one after the other (检查次数和整改问题数) are each asked.
    assert compound_parts("噪声那项的检查次数和整改问题数") == ["噪声那项的检查次数是多少", "整改问题数是多少"]
    # A request for the answer's form (请把岛名一一列出来) asks nothing of its own.
    assert compound_parts("流动集市是在哪几个海岛上办的？请把岛名一一列出来。") == ["流动集市是在哪几个海岛上办的?"]
    # 问下 marks where a long message starts to ask.
    assert compound_parts("群里有人被骗过,问下反诈那边去年追赃挽损一共追回来多少钱?") == [
        "反诈那边去年追赃挽损一共追回来多少钱?"
    ]


def test_a_stated_figure_asked_to_be_confirmed_is_a_yes_no(reader):
    assert reader.read("单颗种牙总费用控制在六千块左右，是真的吗").answer_type == "yes_no"
    assert reader.read("是不是只培育了3个诚信计量示范加油站").answer_type == "yes_no"
    # Figures offered mid-sentence or to choose between; a figure asked for with a guess stays a count.
    assert reader.read("单颗种植牙总费用是不是在六千块左右").answer_type == "yes_no"
    assert reader.read("养老护理员培训到底是二十五人次还是五十二人次").answer_type == "yes_no"
    assert reader.read("反诈劝阻了多少人次，是不是一万多").answer_type == "count"


def test_names_of_firms_and_stations_are_asked_as_such(reader):
    assert reader.read("被列入浙江首批名单的是哪家加油站").answer_type == "entity"
    assert reader.read("反诈菜场具体是哪个菜场").answer_type == "entity"
    assert reader.read("区医疗急救站的站长是谁").answer_type == "person"


@pytest.mark.parametrize(
    ("question", "kind", "measure", "words"),
    [
        ("Which department is in charge of the dental implant price project?", "organisation", "", ["口腔种植"]),
        ("By how much did the average price of dental implants fall?", "change", "", ["种植体"]),
        ("By what percentage did the implant price drop after procurement?", "change", "", ["种植体"]),
        ("How many gas-station inspections were carried out?", "count", "次", ["加油站"]),
        ("how many implant sets did the nine medical institutions buy", "count", "套", ["种植体"]),
        # A case is filed (立案5件) or a problem dealt with (腐败和作风问题19个): 个 takes a count in either.
        ("How many administrative cases were filed in the fuel pump campaign?", "count", "个", ["立案"]),
        ("How many ambulances does the emergency station have?", "count", "个", ["医疗急救站"]),
        ("What was the total income of village collectives, in yuan?", "money", "", ["总收入"]),
        ("At what times of year were fair-price vegetable supplies organised?", "date", "", ["菜篮子"]),
        ("What is the phone number of the complaint hotline for school canteens?", "phone", "", ["举报电话"]),
    ],
)
def test_english_question_words_decide_the_answer_type(reader, question, kind, measure, words):
    asked = reader.read(question)
    assert (asked.answer_type, asked.measure) == (kind, measure)
    assert all(word in asked.text for word in words)


def test_english_names_spelt_in_pinyin_are_read_in_chinese(reader):
    assert [p.name for p in reader.read("What was the noise satisfaction score for Daishan County?").places] == ["岱山"]
    assert [p.name for p in reader.read("How much do dental implants cost in ningbo?").places] == ["宁波"]
    assert reader.read("rural relocation in dinghai: how many households?").places == ()  # the home district
    assert "白泉" in reader.read("When was the first-aid point in Baiquan finished?").text


def test_english_numbers_per_unit_words_and_stories(reader):
    asked = reader.read("How many households had been waiting between three and five years for resettlement?")
    assert "3-5年" in asked.text and asked.measure == "户"
    assert reader.read("What was the biggest fine handed to a single gas station?").per_unit
    story = reader.read("I'm writing about implant costs in Zhoushan. By how much did implant prices fall in Dinghai?")
    assert story.answer_type == "change" and story.places == ()  # the story's place is not the one asked


def test_english_asides_durations_and_quoted_terms(reader, lexical_assistant):
    # What the asker says they do not mean is not what they ask.
    loss = reader.read("How much did fraud victims lose last year? Not the money recovered, the loss itself.")
    assert loss.answer_type == "money" and "追赃挽损" not in loss.asking
    # A waiting time is a duration, which no date and no overview answers.
    assert not lexical_assistant.ask("What's the typical waiting time for an ambulance in Dinghai?").found
    # Indicators are counted in 项 (33项查纠指标), not in the 次 of an inspection named before them.
    assert reader.read("How many inspection indicators did the canteen campaign set?").measure == "项"
    # A Chinese term quoted as what is counted is counted as the Chinese says it (192名, not a count in 个).
    assert reader.read("How many 特困人员 now live in the merged homes?").measure != "个"
    # A place alone, asked of nothing the bulletin holds, is refused (Zhoushan reads as 舟山 全市).
    assert not lexical_assistant.ask("I live in Zhoushan, how can I renew my driving licence?").found


def test_english_ranks_scores_and_moves_with_words_between(reader, lexical_assistant):
    assert reader.read("What was Dinghai's provincial ranking for noise satisfaction?").answer_type == "rank"
    assert reader.read("What was the overall satisfaction score for noise?").answer_type == "score"
    assert reader.read("How much did the satisfaction score rise?").answer_type == "change"
    # "by how many places": a move in rank (提升27名), not the score's 3.09分.
    moved = lexical_assistant.ask("What was the noise ranking in the province, and by how many places did it improve?")
    assert "27名" in moved.answer


def test_english_typos_side_by_side_and_what_comes_before_but(reader, lexical_assistant):
    # A long word one slip from a thesaurus word is read as it; another form of a word (department) is not a slip.
    assert "菜篮子" in reader.read("who is in charge of the vegtable basket projet?").text
    assert reader.read("Which department led the noise campaign?").answer_type == "organisation"
    both = lexical_assistant.ask("Who leads the school canteen project and the fuel dispenser project?")
    assert "区教育局" in both.answer and "市场监管局" in both.answer
    # "I can see what was clawed back, but what did victims lose?" asks the loss, which the bulletin does not give.
    assert not lexical_assistant.ask("I know how much was recovered, but how much did scam victims lose?").found
    area = reader.read("What was the total floor area of the old compound renovation?")
    assert area.measure == "平方米" and "建筑面积" in area.text and "发现" not in area.text  # covered is no slip


def test_english_plans_people_and_questions_leaning_on_the_sentence_before(reader, lexical_assistant):
    assert "原计划" in reader.read("How many model stations did the fuel campaign originally plan to cultivate?").text
    # A bureau's head is a person asked, not the bureau's projects.
    assert not lexical_assistant.ask("Who's the head of the district civil affairs bureau?").found
    # "How much in total?" names nothing: it asks of what the sentence before told.
    fined = lexical_assistant.ask("The fuel pump campaign fined some petrol stations. How much in total?")
    assert fined.found and "124.839742万元" in fined.answer


def test_english_compound_questions_are_split_and_keep_the_counted_noun():
    from zhili_qa.answering.message import compound_parts

    parts = compound_parts(
        "How many problems were found in the canteen checks, and how many in the dental spot checks?"
    )
    assert len(parts) == 2 and parts[1].lower().startswith("how many problems in")
    only = compound_parts("Which had more inspections: canteens or gas stations? Give both numbers.")
    assert [part.rstrip("?") for part in only] == ["Which had more inspections: canteens or gas stations"]
    # A topic before a colon is no Chinese clause; "what was the return rate" asks a rate of its own.
    rate = compound_parts(
        "For the fraud campaign: how many people stranded abroad returned, and what was the return rate?"
    )
    assert len(rate) == 2 and rate[1].startswith("what was the return rate")
    # "did it fall" after "what is the average price of an implant": it is what the part before asks about.
    price = compound_parts(
        "After the procurement, what is the average price of an implant now, and by what percentage did it fall?"
    )
    assert len(price) == 2 and "average price of an implant" in price[1]
    # "and by what percentage?" names nothing of its own: asked of what the part before asks about.
    drop = compound_parts("What did the average implant price drop to, and by what percentage?")
    assert len(drop) == 2 and "average implant price" in drop[1]


def test_a_change_is_asked_apart_from_a_level(reader):
    assert reader.read("种植体平均价格降了多少").answer_type == "change"
    assert reader.read("种植体平均价格降到多少钱").answer_type == "money"
    assert reader.read("村级集体经济总收入增长率是多少").answer_type == "rate"
    assert reader.read("这个项目的名称是什么").answer_type != "goal"  # 项目的 holds no 目的


def test_pointing_words_ask_nothing(reader):
    asked = reader.read("外面那几个小岛，送菜上门一共送了几趟？")
    assert (asked.answer_type, asked.measure) == ("count", "趟")  # 那几个 points, 几趟 asks
    assert reader.read("32所学校里哪一所食堂问题最多").answer_type == "entity"  # which one: a name never given
    assert "老娘" not in reader.read("我老娘想装颗种植牙，大概要花多少钞票").subject


def test_a_rough_guess_is_no_figure_of_the_question(reader):
    asked = reader.read("等回迁房等了三四年的人家，去年给解决了多少户啊")
    assert asked.given == frozenset() and "三四年" not in asked.subject


def test_english_compared_year_is_not_the_year_asked(reader):
    asked = reader.read(
        "By how many percentage points did village collective income growth in 2023 exceed that of 2022?"
    )
    assert asked.answer_type == "change" and asked.years == (2023,)


def test_what_a_count_counts_before_its_verb(reader):
    assert reader.read("反诈宣传视频一共拍了多少条").counted.endswith("宣传视频")
    assert reader.read("食堂检查了多少次").counted == ""  # times of 检查, not 食堂s
    assert reader.read("过渡期3到5年的回迁户有多少户").counted == ""  # its measure names it
    assert reader.read("Who is the head of the Dinghai emergency station?").answer_type == "person"


def test_whether_the_goal_was_met_is_read_from_the_results(reader):
    assert reader.read("回迁安置的目标是什么").answer_type == "goal"
    assert reader.read("医疗急救领域专项治理要达到什么目标").answer_type == "goal"
    assert reader.read("最后实际培育了几个，目标达到没有").answer_type == "count"


def test_a_question_after_a_marker_keeps_its_last_character(reader):
    asked = reader.read("我们小区做了旧改，我投诉过一次。想问下这个治理里面，信访投诉总共收到多少件")
    assert (asked.answer_type, asked.measure) == ("count", "件")


def test_a_year_said_by_two_digits_and_a_rough_count_asked(reader):
    assert reader.read("23年老旧小区改了多少幢楼").years == (2023,)
    assert reader.read("等了12年的有多少户").years == ()  # a span of time, not 2012
    asked = reader.read("噪声满意度全省排名往前进了二十几名？")
    assert asked.answer_type == "change" and asked.given == frozenset()


def test_words_holding_目的_ask_no_goal_and_each_of_a_counted_group_is_one_unit(reader):
    assert reader.read("村集体账目的数字化监管用的是哪个应用？").answer_type == "name"
    assert reader.read("采购种植体的9家医疗机构各自买了多少套？").per_unit


def test_a_countryside_word_and_a_province_named_are_no_district_place(reader):
    assert reader.read("听讲乡下的敬老院撤并了几家").places == ()
    assert [p.name for p in reader.read("普陀山那边的加油站查了几次").places] == ["普陀"]
    assert [p.name for p in reader.read("白泉片区的急救点哪年建成的").places] == ["白泉片区"]


def test_a_year_the_asker_only_recalls_is_no_year_asked_of_a_date(reader):
    assert reader.read("急救站啥辰光挂牌的我好像记得是前年").years == ()
    assert reader.read("我记得2022年也搞过，那时候食堂查了几次").years == (2022,)


def test_what_ends_in_么_is_no_yes_or_no_and_kinds_of_a_thing_name_none(reader):
    assert reader.read("各区县专项治理的考核评分办法是什么？").answer_type == "fact"
    assert "形式" not in reader.read("反诈阵地有哪些形式").subject
    assert "共建" not in reader.read("反诈阵地一共建了多少处").subject


def test_a_sum_of_a_payment_is_money(reader):
    assert reader.read("回迁安置支付的补偿款总额是多少").answer_type == "money"


def test_english_everyday_words_parts_of_a_whole_and_remarks(reader, lexical_assistant):
    # Everyday British and American words for a project's topic reach its bulletin terms.
    assert "回迁安置" in reader.read("Who sorts out rehousing for families moved out by redevelopment?").text
    assert "老旧小区" in reader.read("How many flats were done up in the old estates scheme?").text
    # A part of a whole asked by words the bulletin has no term for is no count of the whole.
    assert not lexical_assistant.ask("Of the 19 officials disciplined, how many were fired from their posts?").found
    assert not lexical_assistant.ask("How many of the people punished ended up in prison?").found
    # A remark after the question mark asks nothing ("when" in it is no question of its own).
    quoted = lexical_assistant.ask(
        "What share of new phone users had calls from abroad turned off? mine was when i moved"
    )
    assert quoted.found and "96%" in quoted.answer and "[2]" not in quoted.answer
    # A short question naming nothing leans on the conversation: the return rate of those persuaded home.
    first = "How many people stranded abroad were persuaded to come back?"
    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": lexical_assistant.ask(first).answer},
    ]
    assert "93.75%" in lexical_assistant.ask("what was the success rate?", history).answer
    # Asked on its own, or after a refusal, it leans on nothing: the best hotpot place is no rank of the bulletin's.
    assert not lexical_assistant.ask("What is the best hotpot place?").found
    assert not lexical_assistant.ask("What is the best hotpot place? And where can I park for free?").found
    # A person asked (哪一位, the head of a body) is a name the bulletin never gives.
    assert reader.read("纪委现在的主要负责同志是哪一位").answer_type == "person"
    assert reader.read("Who's the actual head of the education bureau?").answer_type == "person"


def test_spoken_counts_and_leads(reader, lexical_assistant):
    # Those of a kind that did something (…的有几个) are counted as that kind, not as the place they went to.
    assert reader.read("特困人员住进定点供养机构的有几个").measure == "人"
    # 是不是…带头的 asks who leads.
    assert reader.read("噪声那个是不是生态环境局带头的").answer_type == "organisation"
    # 查出来多少毛病: what was found (发现), in the words of someone speaking.
    found = lexical_assistant.ask("村经济合作社那块查了几次，查出来多少毛病")
    assert found.found and "42个" in found.answer


def test_english_organisers_lists_apps_aims_and_hotline_numbers(reader, lexical_assistant):
    # Who organised the whole campaign is the preamble's organiser, not a project's lead.
    organiser = lexical_assistant.ask("Who organised the whole campaign?")
    assert organiser.found and "区纪委区监委" in organiser.answer
    # Which departments (plural) asks each project's lead.
    both = lexical_assistant.ask("Which departments were behind the school canteen project and the noise project?")
    assert "区教育局" in both.answer and "生态环境局" in both.answer
    # What were the problems asks what they were, which a count of them does not say.
    assert reader.read("What were the problems found in the village cooperatives?").answer_type == "list"
    assert reader.read("What's the app the village cooperatives use for their accounts?").answer_type == "name"
    assert reader.read("What was the noise campaign aiming for?").answer_type == "goal"
    # A hotline's number is what names it (a year or a figure with commas is not such a number).
    assert "96110" in reader.read("What's 96110?").text
    assert not lexical_assistant.ask("What's 12,500?").found


def test_english_relative_who_long_subjects_and_person_times(reader, lexical_assistant):
    # "people who got criticised": a relative who asks no department; "what ranks" asks a rank.
    assert reader.read("Of the officials who were punished, how many were cadres?").answer_type != "organisation"
    assert reader.read("What ranks did the noise campaign reach in the province?").answer_type == "rank"
    # Several words between the question word and what it asks still ask it.
    assert reader.read("What was Dinghai's overall public satisfaction score for noise?").answer_type == "score"
    assert (
        reader.read(
            "How much did Dinghai's overall public satisfaction score for the environment go up compared with 2022?"
        ).answer_type
        == "change"
    )
    # Person-times asked are counted by visit (25人次); individual carers are heads (名), which 25人次 is not.
    assert "多少人次" in reader.read("How many carers were trained? The person-times figure is fine.").text
    assert not lexical_assistant.ask("Training counted 25 person-times: how many individual carers took part?").found
    # "is fine" is all right, no penalty.
    assert "罚没款" not in reader.read("How many carers were trained? Roughly is fine.").text


def test_a_short_year_inside_a_clause_near_the_period_is_that_year(reader):
    asked = reader.read("就想了解下23年给海岛配送了多少回")
    assert asked.years == (2023,) and "23" not in asked.given
    assert 2024 in reader.read("麻烦问问24年的食堂检查了几次").years
    # A span of years is no year (住了15年, 10年以上).
    assert reader.read("住了15年的老小区改造了多少户").years == ()
    assert reader.read("安置10年以上的有多少户").years == ()


def test_years_offered_as_the_answers_choices_are_not_asked_about(reader):
    assert reader.read("马岙那个急救点是2024年建好的还是2025年").years == ()


def test_the_highest_price_is_a_cap_not_a_rise(reader):
    assert reader.read("三乙医院种一颗牙最高多少钱").answer_type == "money"
    assert reader.read("满意度比去年高多少分").answer_type == "change"


def test_the_kind_named_before_what_is_it_called(reader):
    assert reader.read("加油那块用的那个监管平台叫啥").intent.names[0] == "平台"
    assert reader.read("反诈的视频号叫什么").intent.names[0] == "视频号"


def test_how_many_of_those_an_act_is_done_to_counts_people(reader):
    assert reader.read("被劝回来的有几个").measure == "人"
    assert reader.read("黑产团伙打掉了几个").measure == "个"


def test_the_campaigns_own_name_asks_of_the_whole_campaign(lexical_assistant):
    answer = lexical_assistant.ask("漠视侵害群众利益这个专项治理是哪个单位搞的")
    assert answer.found and "区纪委区监委" in answer.answer


def test_names_of_firms_asked_and_names_of_things_listed(reader):
    assert reader.read("罚款的是哪几个加油站 名字说一下").answer_type == "entity"
    assert reader.read("反诈阵地都建了哪些 叫什么名字").answer_type == "list"
    assert reader.read("合作社用的那个app叫啥").intent.names[0] == "app"


def test_what_is_counted_is_the_head_after_de(reader):
    assert reader.read("一共挑了几个群众着急的问题来治理").counted == "问题"
    assert reader.read("有多少特困老人住进了定点供养机构").counted == "特困老人"


def test_english_colloquial_words_for_the_bulletins_terms(lexical_assistant, reader):
    answer = lexical_assistant.ask("How many corruption and misconduct cases were dealt with across all the projects?")
    assert answer.found and "19个" in answer.answer and answer.citations[0].project == 0
    assert {"劝阻", "公安"} <= set(reader.read("how many did the cops talk out of it").subject)


def test_a_number_read_out_digit_by_digit_is_that_number(lexical_assistant, reader):
    assert "96110" in reader.read("what's the nine six one one zero number?").text
    answer = lexical_assistant.ask("Is nine six one one zero the anti-fraud hotline?")
    assert answer.found and "96110" in answer.answer


def test_how_much_a_long_named_figure_rose_is_a_change(reader):
    # The pronoun of "…, and how much did it rise?" is written out, year and all, before the change is read.
    asked = reader.read("how much did Dinghai's overall ecological environment public satisfaction score in 2023 rise?")
    assert asked.answer_type == "change"


def test_what_the_asker_sets_aside_is_not_asked(lexical_assistant, reader):
    assert "增长率" in reader.read("村集体经济总收入是多少，不要增长率").set_aside
    assert reader.read("区里不是开过培训会吗，村级财务培训了多少人次").set_aside == ()  # recalls, sets nothing aside
    assert reader.read("回迁安置5年以上的是不是都解决了").set_aside == ()
    # The sum recovered is set aside, and the one averted answers no question of what was lost: abstain.
    answer = lexical_assistant.ask("电诈受害人去年实际损失总共是多少钱(不是追回来的那笔)")
    assert not answer.found


def test_the_ways_asked_for_are_told_by_what_was_done(lexical_assistant):
    # 哪些渠道: the way is what is asked, not a word the clause must hold.
    answer = lexical_assistant.ask("食堂这块，群众能通过哪些渠道参与监督")
    assert answer.found and "举报电话" in answer.answer


def test_the_clause_of_the_level_asked_is_quoted(lexical_assistant):
    answer = lexical_assistant.ask("定海区的生态环境公众满意度，在舟山全市里是不是排第一名？")
    assert answer.found and "全市排名第二" in answer.answer and "全省排名41" not in answer.answer


def test_one_case_asked_in_english_is_no_total(lexical_assistant, reader):
    assert reader.read("The case that made the top 10 — how much was that one fined?").per_unit
    answer = lexical_assistant.ask("How much was the petrol station in that big case fined?")
    assert not answer.found
    assert lexical_assistant.ask("How much were the petrol stations fined in total?").found


def test_young_peoples_mi_asks_a_sum(reader):
    assert reader.read("骗子那边追回来多少米").answer_type == "money"
    assert reader.read("离加油站多少米远").answer_type != "money"


def test_people_counted_by_the_noun_after_what_qualifies_them(reader):
    assert reader.read("打掉了多少个干电诈的犯罪嫌疑人").measure == "人"


def test_where_a_thing_is_asks_an_address_and_a_bus_line_a_name(reader):
    assert reader.read("离我最近的惠民店在哪呀").answer_type == "address"
    assert reader.read("那辆反诈公交跑的是哪路车").answer_type == "entity"


def test_a_place_the_story_names_is_asked_when_the_question_points_back(reader):
    assert [p.name for p in reader.read("我外公住在小沙，他们村回迁安置好了没有").places] == ["小沙"]
    assert not reader.read("我外公住在小沙，回迁安置一共解决了多少户").places
