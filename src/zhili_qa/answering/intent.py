"""What a question asks for: its intents and expected answer type, read from question words alone.

Money (多少钱), a count in a measure word (几家, 多少户), a change (降了多少), a rate, a rank, a score, a date, an organisation,
a person or firm, a phone number, an address, a name, a list, yes/no, a goal, an overview. The patterns
are of Chinese asking, not of any bulletin; English questions reach them glossed (english.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEAD_Q = re.compile(
    r"牵头|谁负责|哪个部门|哪些部门|哪个单位|哪家单位|什么单位|什么部门|哪个机构|归哪|归谁|谁管|谁来管|有人管|"
    r"负责单位|主管|谁抓|哪里管|负责部门|由谁|哪个局|哪家单位|是谁组织|谁组织|单位组织|部门组织|谁在搞|谁搞|"
    r"[牵领带]的头|谁带头|哪个单位带头|谁领头|带头的|领头的"
)
LIST_Q = re.compile(
    r"哪个项目|哪些项目|哪几个项目|哪项|哪几项|什么项目|哪个治理|哪些治理|哪些专项|负责什么|管什么|负责哪|牵头了什么|"
    r"牵头的是|牵头哪|牵头负责|牵了几个|几个专项|哪几个专项|哪些专项治理"
)
GOAL_Q = re.compile(
    r"目标|(?<![项账节题数科条名])目的|想达到|要达到|为了什么|打算|原本计划|本来计划|原计划|原定|原先计划|起初计划|原来计划|一开始计划|一开始打算|最初计划|当初计划"
    r"|要(?:治|整治|解决|管)(?:的是)?(?:啥|什么|哪些)问题"  # 主要是要治啥问题: what it set out to tackle
)
# 目标达到没有, 2023年做到了吗, 实际培育了几个: whether the results met the goal, read from the results.
GOAL_MET_Q = re.compile(
    r"目标[^，,。？?]{0,20}(?:达到|实现|完成|做到|达成|兑现)(?:了|没)|(?:达到|实现|完成|做到|达成)了[^，,。？?]{0,4}目标"
    r"|达标了|做到了|实际|最终|最后"
)
OVERVIEW_Q = re.compile(
    r"成果|成效|效果|做了什么|做了哪些|干了什么|怎么样|咋样|有没有治理|有没有管|治理了吗|情况|进展|介绍|"
    r"哪些工作|哪些措施|采取了|措施|是怎么回事|怎么回事|有没有|概况"
)
FIGURE_Q = re.compile(
    r"多少|(?<![好举说])几(?!乎)|多大|多高|多长|多久|比例|百分|降幅|增长|排名|第几|金额|几成|涨|降了|老几|数量|数目"
    r"|哪个[\u4e00-\u9fff]{0,6}?(?:更)?(?:多|少|高|低|大|小|早|晚)"  # 哪个检查的次数多: a comparison asks both figures
)
# 几点开门, 营业时间: a time of day, which no date answers (not 几点要求, points of a list).
HOUR_Q = re.compile(r"几点(?!要求|意见|建议|措施|做法|内容|经验|成效)|(?:营业|开放|上班|办公|开门|关门)时间|几点钟")
WHEN_Q = re.compile(
    rf"{HOUR_Q.pattern}|什么时候|啥辰光|何时|哪年|哪一年|几月|几号|什么时间|多久能|啥时候|哪个月|什么时间段|几时|啥时|哪天|哪一天|几月份|多会儿|哪个时候|时间段|时间点|时间节点|期限|截止时间|截止日期|哪些时间|哪个季节"
)
MEASURE = re.compile(
    r"(?<![哪好举说那这])(?:多少|几)(个人|名|个|家次|家|期|条|件|份|次|回|趟|遍|人次|人|户|处|篇|套|项|分|元|万元|起|所|年|天|月|颗|"
    r"平方米|亩|岁|倍|名|辆|座|场|批|轮|幢|栋|斤|公斤|吨|位|间|块|张|台|艘|箱|根|棵|米|公里)"
)
# 多久搞一次, 几个月一次: how often, which a date or a count does not tell.
FREQUENCY_Q = re.compile(
    r"多久(?:[^，,。？?]{0,3}[一1][次回期轮])|多长时间(?:[^，,。？?]{0,3}[一1][次回期轮])|频率|频次|隔多久|几个月[一1][次回期]"
)
RANK_Q = re.compile(r"排第几|排名|第几名|排多少|名次|排在|排老几|排几")
_NAMED_KINDS = (
    "应用|平台|系统|机制|理念|活动|方案|模式|程序|软件|名字|名称|口号|公众号|抖音号|视频号|账号|网站|网址|app|APP|App"
)
NAME_WORDS = frozenset("名字 名称".split())  # 叫什么名字 asks a name, of no kind in particular
# 什么平台, and 那个数字应用叫啥 (the kind before 叫啥): the kind of thing whose name is asked.
NAME_Q = re.compile(
    rf"(?:什么|哪个|啥)[^，,。？?]{{0,4}}?({_NAMED_KINDS})|({_NAMED_KINDS})(?:的名字)?(?=叫什么|叫啥)|叫什么|叫啥|全称"
    r"|(?:标题|题目)(?:是|叫)?(?:什么|啥)"
)
# What a rate or a sum is of: 劝回来 of 劝回来的比例, 报销 of 能报销多少比例 and of 能报销多少.
VALUE_OF = {
    "rate": re.compile(r"([\u4e00-\u9fff]{2,6}?)(?:的|了|能)?(?:多少|几)?(?:比例|比率|百分比|百分之|率)"),
    "money": re.compile(r"((?![能要可会得了])[\u4e00-\u9fff]{2})(?:了|能|要|得|可以)?(?:多少|几)(?:钱|元|万|块)?"),
}
VALUE_OF["number"] = VALUE_OF["money"]  # 报销多少: a figure of 报销, whatever its unit
SHARE_Q = re.compile(r"降幅|增幅|比例|百分|率|幅度|几成")
# 降了多少 asks how far a figure moved (降幅达55%, 提升3.09分); 降到多少 and 增长率 ask where it stands.
# 最高多少钱 asks a cap, not how far a figure rose.
CHANGE_Q = re.compile(
    r"(?:降|减|少|便宜|涨|升|提高|提升|增加|增长|多出|高出|改善|缩短|(?<!最)高|(?<!最)低|前进|进步|进|(?<![差许])多(?=了))了?(?:\d{4}年)?(?:百分之)?\d*(?:多少|几)"
    r"(?!率|家|个(?!百分点)|所|户|人|件|次|项|处|座|条|套|幢|栋|位|批|起)|降幅|增幅|幅度"
    r"|(?:降|涨)价(?:了)?多少"
)
MONEY_Q = re.compile(
    r"多少钱|几块钱|多少元|多少万|多少亿|金额|价格|价钱|费用|花多少|收多少|罚了多少|罚多少|罚款|罚没|补贴多少|要多少|钞票|铜钿|多少块钱"
    r"|多少米(?![远长高宽深])"  # 多少米: young people's slang for money (米 = 元), not a length asked
    r"|多少[\u4e00-\u9fff]{0,4}(?:资金|钱|款|损失)|钱[^？?。]{0,20}多少"
    r"|(?:收入|资金|投入|投资|造价|经费|预算|拨款|花费|成本|补贴|工资|收费|售价|票价)(?:是|有|为|能|能拿|能领)?多少"
    r"|款(?:项)?(?:的)?总(?:额|数)"  # 补偿款总额是多少
    r"|(?:收入|资金|金额)[^，,。？?]{0,4}绝对(?:值|数|额)"  # 总收入的绝对值: a sum, which no growth rate is
)
SCORE_Q = re.compile(r"多少分|几分|得分|总分|分数")
PHONE_Q = re.compile(
    r"(?:电话|热线|号码)(?:号码)?(?:是|为)?(?:多少|什么|啥|几号)|(?:什么|哪个|啥)(?:电话|热线|号码)|号码"
)
# 定海五中在不在那32所里面, 有没有包括我们小区: whether one thing is among those the bulletin counts.
MEMBER_Q = re.compile(
    r"在不在|包不包括|有没有包括|包括不包括|算不算在|有没有[^，,。？?]{0,10}(?:在内|在里面)"
    r"|在[^，,。？?]{0,14}(?:里面|之内|当中|之列|名单里)(?:吗|嘛|么|没有)"
)
ADDRESS_Q = re.compile(
    r"地址|在哪里|在哪儿|在哪(?=[啊呀呢嘛哈哦]?(?:[？?，,。！!\s]|$))|在什么地方|在哪个地方|哪条路|门牌|造在哪|建在哪|(?:什么|哪个)位置|位置在哪|从哪里|从哪儿"
    r"|哪里来的|从哪来"
)
# 站长是谁, 民警的名字, 承包商是哪家公司: a person's or a firm's name, which the bulletin never gives.
PERSON_Q = re.compile(
    r"[\u4e00-\u9fff]{0,4}(?:长|警|员|人|官|师|主任|书记|干部|领导|同志|经理|老板|商)的?(?:[都又]|现在|目前)?(?:是谁|叫什么|姓什么|名字|姓名)"
    r"|什么(?:职务|职位|级别)"
    r"|是谁(?:干的|做的)|哪个人|哪一?位|姓名|叫什么名字的人|哪家(?:公司|企业)|什么公司|哪个公司"
    r"|(?:那个|这个|哪个)[\u4e00-\u9fff]{0,4}(?:站|店|公司|企业|医院|学校|村|小区|机构)(?:的名字|叫什么|是哪家|是哪个)"
)
# What a list asks for: 车 of 哪几路车, 岛 of 哪几个岛, 违规情况 of 哪些违规情况.
LIST_KIND = re.compile(
    # 哪些形式, 哪几种类型: kinds of what was named, no thing of its own a clause must name.
    r"(?:哪几|哪些)(?:个|家|路|条|项|种|类|所|位|名|批|座|处|辆)?(?!形式|类型|种类|样式)([\u4e00-\u9fff]{1,4}?)"
    r"(?=(?:算|属于)[^，,。？?！!]*|[上里中内的是在被有办做搞开送去追罚查收领发拿][\u4e00-\u9fff]{0,4}[？?，,。！!]?$|[？?，,。！!]|呢|啊|吗|呀|$)"  # 岛 of 哪些岛上办的
)
WHICH_Q = re.compile(r"(?:哪几|哪些|分别是|分别有|具体是什么|具体有|具体是哪|都有什么|都是什么|有哪几)")
# What a which-question may ask of the bulletin itself (哪个部门, 哪些项目), not of the world (哪些材料).
BULLETIN_KINDS = frozenset("部门 单位 项目 专项 治理 方面 领域 时候 地方 工作".split())


def asks_which_of_the_world(text: str) -> bool:
    """哪些材料, 哪几个证件: a which-question about things that are not the bulletin's own (项目, 部门)."""
    match = LIST_KIND.search(text)
    asked = match.group(0)[2:] if match else ""  # 哪几项, 哪些事: a measure word alone asks of the bulletin
    asked = asked.rstrip("啊呀呢吗嘛哦哈")  # 是哪几个啊: no thing of the world
    return len(asked) >= 2 and not any(kind in asked for kind in BULLETIN_KINDS)


CONFIRM_Q = re.compile(r"(?:是真的|对|是这样|属实|没错|是不是|对不对|是吗|准确)[吗嘛么呢]?[?？!！。\s]*$|是不是真的")
# 是不是在6000块左右, 到底是25人次还是52人次: figures offered to be confirmed or chosen between.
# 检查了38次还是多少次: a figure recalled, then asked after all.
OFFERED_Q = re.compile(r"(?:是不是|是否|有没有)[^，,。？?]*\d|\d[^，,。？?]*(?:还是|或者)[^，,。？?]*(?:\d|多少|几)")
# 劝阻了多少人次，是不是一万多: a figure asked for, the offered one a guess at it.
ASKS_HOW_MUCH = re.compile(r"多少|几(?!乎)")
_CLAUSE = re.compile(r"[^，,。？?！!；;\s]+")  # a space parts clauses as a comma does (天天跑加油站 一共有多少个)


def clauses_in(text: str) -> list[str]:
    """The clauses of a question, split at punctuation and spaces."""
    return _CLAUSE.findall(text)


# 目标里原本计划培育几个 asks the figure the goal set; 实际培育了几个, the one the results report.
PLAN_Q = re.compile(r"目标|计划|原定|打算|预计|预期")
ACTUALLY_Q = re.compile(r"实际|最终|最后|真正|其实")


def asks_the_plan(asking: str) -> bool:
    """Does a clause asking a figure ask what was planned (原计划培育几个), not what was done?"""
    clauses = re.findall(r"[^，,。？?！!；;]+", asking)
    return any(ASKS_HOW_MUCH.search(c) and PLAN_Q.search(c) and not ACTUALLY_Q.search(c) for c in clauses)


_PLACES_OF_BUSINESS = "站点|站|店|公司|企业|医院|学校|机构|菜场|市场|诊所|酒吧|KTV|ktv|饭店|餐馆|工厂|工地|商家|商户"
ENTITY_Q = re.compile(
    rf"哪(?:一|几)?[家个](?!单位|部门)[\u4e00-\u9fff]{{0,3}}(?:{_PLACES_OF_BUSINESS}|施工单位)|哪一家(?!单位|部门)|哪一?所"
    rf"|(?:{_PLACES_OF_BUSINESS}|施工单位)(?:[^，,。？?]{{0,6}}[，,\s])?叫啥|(?:{_PLACES_OF_BUSINESS}|施工单位)的?名字|(?:{_PLACES_OF_BUSINESS})是哪(?:几|些)家?|哪[\d一二两三四五六七八九十]+家"
    rf"|哪个[\u4e00-\u9fff]{{0,2}}(?:{_PLACES_OF_BUSINESS})|(?:{_PLACES_OF_BUSINESS})(?:的名字|叫什么名字|叫什么|是哪家|是哪一家)|名字叫什么"
    # 被罚款的是哪几家 能不能说下名字 (not 哪几个海岛…岛名字, places the bulletin lists)
    rf"|哪(?:几|些)(?:家|个(?=[\u4e00-\u9fff]{{0,3}}(?:{_PLACES_OF_BUSINESS})))[^。？?]{{0,14}}?(?:名字|名称|名单|站名|店名|叫什么|叫啥)"
    r"|(?:几|哪一?)路(?:车|公交|公共汽车|巴士|线)"  # 反诈公交是几路车: a bus line's number, not a count
)
WHICH_RESULTS_Q = re.compile(r"(?:哪些|什么)(?:成果|成效|工作|措施|举措|进展|效果)|做了哪些|干了哪些")
# 有哪些让家长参与监督的办法: ways of doing something, told in a clause of what was done, not as a list of names.
WAYS_Q = re.compile(r"(?:哪些|什么|哪几[种个条项])[^，,。？?]{0,16}?(?:办法|做法|方式|途径|渠道|手段|机制|招)")
YES_NO_Q = re.compile(
    r"(?:[吗嘛伐]|(?<![什怎这那多])么)[?？!！。\s]*$|有没有|是不是|是否|了没|没有[?？]?$|能不能|会不会"
)
# 每人每月, 一个人一次, 单家, 最多的一家: the question wants one unit's figure, not a total.
PER_UNIT_Q = re.compile(
    r"每[一1]?(?:个|家|人|户|次|年|月|天|所|件|位|名|颗|套|期|批|轮|场)|(?<![\d])1(?:个人|家|次|颗|套|户|所)|单(?:家|个|次|颗|人|件)|"
    r"最(?:多|少|高|低|大|小)的(?:一|1|那|哪)?(?:家|个|次|所|户|人|件|起)|最(?:多|少|高|低|大|小)的?是?(?:哪|那)"
    r"|哪一?(?:家|个|所|户|位|村|座|条)[^，,。？?]{0,10}最|平均每|人均"
    r"|\d+(?:家|个|所|户|人|名)[^，,。？?\d]{0,8}(?:各自|分别|各)"  # 9家医疗机构各自买了多少: each one's figure
    # 那件大案，罚了多少; not 缺斤少两那个查了吧，一共罚了多少 (那个 is the project)
    r"|那[1一]?(?:件|起|家|个(?=[\u4e00-\u9fff]{0,4}(?:案|站|店|公司|企业|医院|机构)))"
    r"(?![^，,。？?]{0,4}(?:专项|项目|治理))[^。？?]{0,16}(?:罚|赔|花|收)"
    r"|(?:自个儿|自己|单独)[^，,。？?]{0,4}(?:罚|赔|花|收)"  # 那个大案，它自个儿罚了多少
    # 那个入选…十大案例的大案罚了多少; not 那个案子一共罚了多少
    r"|[那这该](?![些几])[^，,。？?]{0,20}(?:大案|案子)(?:(?!一共|总共|累计)[^。？?]){0,6}(?:罚|赔)"
)
# 都整改好了吗 asks whether all was done; 全部化解, 整改到位 say so.
COMPLETION_Q = re.compile(
    r"都[^，,。？?]{0,6}(?:了|吗|没)|全部|全(?:解决|整改|化解|办结|处理|改)|完了|完没|好了没|好没有"
)
COMPLETION_TEXT = re.compile(r"全部|均已|全面完成|(?<!不)到位|化解|办结|100%")
# 降价之前多少钱: the state before a change, which a clause must speak of (原价, 降价前).
BEFORE_Q = re.compile(
    r"(?:降价|降费|降|调价|调费|集采|改造|治理|整改|撤并|合并|整合|实施)(?:之|以)?前|原(?:来|先|本)[^，,。？?]{0,6}(?:多少钱|价格|价钱|收费)"
)
BEFORE_TEXT = re.compile(r"原|之前|以前|此前|前的|降价前|调整前")
PER_UNIT_TEXT = re.compile(r"每|单颗|单家|单个|平均|均价|人均|不超过|上限")
LEVELS = ("全国", "全省", "全市", "全区")  # a whole place by its level, naming no topic
# 这两个, 分别, 各是多少: the things asked about were named before.
REFERS_BACK = re.compile(r"这两|这几|那两|两个都|两者|分别|各自|各是|各有")
# 为什么要调整: a reason, which the bulletin gives only as a goal or a 为了/因为 clause.
REASON_Q = re.compile(r"为什么|为啥|为何|原因|怎么会|咋会|理由")
# 几月几号印发的: a date to the month or day, which a year alone does not give.
EXACT_DATE_Q = re.compile(r"几月|几号|几日|哪天|哪一天|哪个月|几月份|具体日期|具体时间")
EXACT_DAY_Q = re.compile(r"几号|几日|哪天|哪一天|具体日期")
# 哪个国家, 哪家医院: a thing of that kind, which the answer must name.
WHICH_KIND = re.compile(r"哪(?:个|一个|家|一家)([\u4e00-\u9fff]{2})")
# 能不能报销: whether something can be done, the act itself asked.
ABLE_Q = re.compile(
    r"(?:能不能|可不可以|可以不可以|会不会|能否|是否可以|能|可以)((?:(?![多几什啥怎哪])[\u4e00-\u9fff]){2})"
)
# 第3项, 第9个治理项目: a project by its number in the bulletin (numerals already digits).
ORDINAL = re.compile(r"第\s*(\d{1,2})\s*(?:项|个(?=专项|治理|项目))")
# 第9项是什么 asks which project that is: its title.
WHICH_PROJECT_Q = re.compile(
    r"(?:什么|哪个|啥)(?:项目|专项|治理)|名称|叫什么|是什么[？?]?$|是啥[？?]?$|讲的是|关于什么"
)
# 有人管吗 asks whether anyone handles it: the department, unless a narrower matter is named.
COLLOQUIAL_LEAD = re.compile(r"有人管|管不管|有没有人管|有人查|有没有人查|有人监管|有没有人监管|找谁|管管")
# The question words and words of asking: never the asked subject.


@dataclass(frozen=True)
class Intent:
    lead: bool
    project_list: bool
    goal: bool
    overview: bool
    figure: bool
    when: bool
    measures: tuple[str, ...]
    share: bool = False  # asks for a rate or percentage
    rank: bool = False  # asks for a place in a ranking
    names: tuple[str, ...] = ()  # asks for the name of a kind of thing (应用, 平台); "" when just 叫什么

    @property
    def wants_fact(self) -> bool:
        return self.figure or self.when or not (self.lead or self.goal or self.overview or self.project_list)


# 多少问题 counts things as 几个 does, 多少特困人员 people; 次数, 人数 name what a comparison counts.


_LEAD_DESCRIBED = re.compile(
    r"[局办委院会组门)）]牵头(?:的|的那个|那个|这个)(?=[^，,。？?几多哪啥谁]{0,30}(?:专项|项目|治理|那项|这项|两项))"
)
BARE_COUNT = re.compile(
    r"(?<![哪好举说那这])(?:多少|几)(?=[\u4e00-\u9fff])(?!钱|块|元|万|分|岁|倍|成|号|点|月|天|年|了|呢|啊|吗|呀|吧|的)"
)
_COUNT_NOUN = re.compile(r"(?<![\d.])(家次|人次)|(次|人|户|家|件|项)数")  # not 11637人次, a figure stated
_RATE_STATED = re.compile(r"^(?!.*(?:多少|几|什么|哪)).*\d+(?:\.\d+)?\s*%")  # 关闭率96%: a rate told, not asked
_WHO_MORE = re.compile(r"谁[^，,。？?]{0,10}(?:更|最)?(?:多|少|高|低)")


def detect_intent(text: str) -> Intent:
    measures = tuple("人" if m == "个人" else m for m in MEASURE.findall(text))
    measures += tuple(a or b for a, b in _COUNT_NOUN.findall(text))
    # 区教育局牵头的食堂专项治理中，检查了多少次: a department named as leading describes the project, it asks nothing.
    # 谁组织的检查次数多: who did more of a count asked (各多少次) compares figures, it asks no lead.
    comparing = _WHO_MORE.search(text) and BARE_COUNT.search(text)
    lead = bool(LEAD_Q.search(_LEAD_DESCRIBED.sub("", text))) and not PERSON_Q.search(text) and not comparing
    return Intent(
        lead=lead,
        project_list=bool(LIST_Q.search(text)),
        goal=bool(GOAL_Q.search(text)) and not GOAL_MET_Q.search(text),
        overview=bool(OVERVIEW_Q.search(text)) and not FIGURE_Q.search(text),
        figure=bool(FIGURE_Q.search(text) or MONEY_Q.search(text)) and not lead,
        when=bool(WHEN_Q.search(text)),
        measures=measures,
        # 关闭率96%，具体关闭了多少户: a rate stated is no rate asked.
        share=any(SHARE_Q.search(c) and not _RATE_STATED.search(c) for c in clauses_in(text)),
        rank=bool(RANK_Q.search(text)),
        names=tuple(before or after for before, after in NAME_Q.findall(text)),
    )


def answer_type(text: str, intent: Intent) -> str:
    """The kind of value that answers the question, most specific first."""
    if PERSON_Q.search(text):
        return "person"
    if FREQUENCY_Q.search(text):
        return "frequency"
    if intent.lead:
        return "organisation"
    if ENTITY_Q.search(text):
        return "entity"  # 是哪一家加油站, 那几家加油站叫什么名字: a firm's name, which the bulletin rarely gives
    if intent.goal:
        return "goal"
    if REASON_Q.search(text):
        return "reason"
    if intent.when:
        return "date"
    if CHANGE_Q.search(text):
        return "change"
    if intent.rank:
        return "rank"
    if SCORE_Q.search(text):
        return "score"
    if intent.share and intent.figure:
        return "rate"
    if ADDRESS_Q.search(text) and not WHICH_Q.search(text):
        return "address"
    if PHONE_Q.search(text):
        return "phone"
    if MONEY_Q.search(text):
        return "money"
    if intent.measures:
        return "count"
    # 反诈阵地都弄了哪些 叫什么名字: the names of the things listed, a list.
    if intent.names and not (WHICH_Q.search(text) and set(intent.names) <= NAME_WORDS | {""}):
        return "name"
    if WHICH_RESULTS_Q.search(text):
        return "overview"  # 取得了哪些成果 asks for the project's results, not a list in one clause
    if WAYS_Q.search(text):
        return "fact"
    if WHICH_Q.search(text):
        return "list"
    if intent.figure:
        return "number"
    if YES_NO_Q.search(text):
        return "yes_no"
    return "overview" if intent.overview else "fact"


def per_unit_text(text: str) -> bool:
    """Does a passage state a per-unit figure (单颗, 平均, 每)?"""
    return bool(PER_UNIT_TEXT.search(text))
