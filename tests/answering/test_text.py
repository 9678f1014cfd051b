"""Reading the question's text: numerals, homophone typos, greetings and thanks."""

import pytest

from zhili_qa.answering.message import compound_parts, without_pleasantries
from zhili_qa.errors import ConfigError
from zhili_qa.figures import arabic_numerals
from zhili_qa.text import Thesaurus


def test_numerals_become_digits_but_a_rough_guess_stays_words():
    assert arabic_numerals("三十六个问题") == "36个问题"
    assert arabic_numerals("九六一一零") == "96110"
    assert arabic_numerals("等了三四年") == "等了三四年"  # not the figure 34
    assert arabic_numerals("一百万以上") == arabic_numerals("百万以上")  # 百万电诈警情 is one million
    assert arabic_numerals("九六幺幺零") == "96110"  # 幺 is how 1 is read out


def test_homophone_typos_are_mended_but_words_of_grammar_are_not(reader):
    assert "食堂" in reader.prepare("中小学事堂采购谁负责")
    assert "各是多少" in reader.prepare("这两个各是多少")  # not 各市
    # A word of the bulletin's own, however jieba cuts the run around it, is no half of a typo (问小 -> 问效).
    assert reader.homophones.mend("急救点一直没有问小沙街道什么时候设好") == "急救点一直没有问小沙街道什么时候设好"


def test_greetings_and_thanks_ask_nothing():
    assert without_pleasantries("你好，请问食堂查了几次？谢谢啦") == "请问食堂查了几次"
    assert without_pleasantries("谢谢") == "谢谢"  # nothing else: left as typed


def test_a_long_message_asking_two_facts_asks_them_in_turn_with_its_story_first():
    message = "我儿子在学校食堂吃饭，回来老说菜不新鲜。我就想问问，查下来到底发现了多少问题？这些问题后来都改掉了没有啊？谢谢啦"
    parts = compound_parts(message)
    assert len(parts) == 2 and "发现了多少问题" in parts[0] and "改掉了没有" in parts[1]
    assert compound_parts("这两个到底哪个检查的次数多一点？各是多少？") == [
        "这两个到底哪个检查的次数多一点？各是多少？"
    ]


def test_a_missing_thesaurus_is_a_setting_error_naming_it(tmp_path):
    missing = tmp_path / "nowhere.tsv"
    with pytest.raises(ConfigError, match=r"nowhere\.tsv"):
        Thesaurus.load(missing)


def test_cantonese_words_of_asking_read_as_mandarin(lexical_assistant):
    from zhili_qa.text import normalize

    assert normalize("嗰個加油站罰咗幾多錢") == "那个加油站罚了多少钱"
    assert normalize("佢哋係唔係冇檢查") == "他们是不是没有检查"
    assert normalize("兩者關係係咩") == "两者关系是什么"  # 關係 stays a word
    assert normalize("關係到食堂") == "关系到食堂"  # no Cantonese mark: read as typed
    assert normalize("食堂同油站嗰兩個同年") == "食堂和油站那两个同年"  # 同 joins as 和, not in 同年
    assert "38次" in lexical_assistant.ask("學校食堂嗰個治理檢查咗幾多次？").answer
