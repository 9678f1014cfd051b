"""Places and years: the bulletin's own district and period, read from its text."""

from zhili_qa.answering.places import Places, corpus_period, years_asked

TEXT = "舟山市定海区2023年以来……定海区全市排名第二。2023年老旧小区改造。2024年10月底前完成小沙街道急救点。"


def test_home_district_and_period_come_from_the_text():
    places = Places(TEXT)
    assert places.home_names and "定海区" in places.home_names
    assert corpus_period(TEXT) == 2023


def test_the_names_that_point_at_no_topic_are_the_bulletins_own():
    assert Places(TEXT).home_words == {"定海区", "定海", "舟山"}
    assert Places("岱山县2023年以来……岱山县全市排名第三。").home_words == {"岱山县", "岱山", "舟山"}
    assert Places("没有地名的文字").home_words == frozenset()


def test_other_wider_and_home_places():
    places = Places(TEXT)
    ningbo, zhoushan, dinghai = (places.named_in(name)[0] for name in ("宁波", "舟山", "定海"))
    assert places.is_home(dinghai) and not places.is_home(ningbo)
    assert not places.covers(ningbo, "定海区种植牙价格")
    assert places.covers(zhoushan, "全市排名第二") and not places.covers(zhoushan, "追赃挽损1132.4万元")


def test_ordinary_words_are_not_places():
    assert Places(TEXT).named_in("开发平安和平的菜篮子") == []


def test_years_asked():
    assert years_asked("2025年改造了多少户", 2023) == (2025,)
    assert years_asked("去年追回多少", 2023) == (2023,)
    assert years_asked("比2022年高出多少", 2023) == ()


def test_places_inside_the_district_by_their_suffix_or_the_bulletins_own_lists():
    places = Places(TEXT + "在盘峙、小盘峙、富翅、里钓等4个海岛累计组织流动集市9次。督促各有关街道。")
    assert {"盘峙", "小盘峙", "富翅", "里钓", "小沙"} <= places.local_names
    assert [p.name for p in places.local_named_in("马岙街道的急救点什么时候建好")] == ["马岙街道"]
    assert [p.name for p in places.local_named_in("那小沙街道的急救点呢")] == ["小沙街道"]
    assert [p.name for p in places.local_named_in("盘峙那边一共去了几次")] == ["盘峙"]
    assert places.local_named_in("各有关街道的社区卫生服务中心在哪") == []
    majiao = places.local_named_in("马岙街道")[0]
    assert majiao.local and not places.is_home(majiao)
    assert not places.covers(majiao, "2024年10月底前完成定海区小沙街道社区卫生服务中心院前医疗急救点设置")


def test_the_whole_country_is_a_place_no_district_figure_answers():
    places = Places(TEXT)
    nation = next(p for p in places.named_in("全国的种植体价格降了多少") if p.name == "全国")
    assert not places.is_home(nation)
    assert not places.covers(nation, "种植体平均价格降至900余元,降幅达55%")
    assert places.covers(nation, "全国首批试点")


def test_last_year_set_against_the_period_is_the_year_before_it():
    assert years_asked("那去年在全市排第几呢", 2023) == (2022,)
    assert years_asked("那么去年呢", 2023) == (2022,)
    assert years_asked("去年全市排第几", 2023) == (2023,)  # the bulletin's own 去年, as its text uses it


def test_the_districts_own_places_spelled_in_pinyin():
    places = Places(TEXT + "在东岠、大猫、西岠、西蟹峙等4个海岛累计开展订单配送95次。")
    assert places.spelled("Dongju") == "东岠" and places.spelled("daishan") == "岱山"
    assert places.spelled("hotpot") is None
