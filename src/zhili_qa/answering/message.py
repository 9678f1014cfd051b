"""A message as citizens type it: greetings and thanks around it, a story before the question, several
questions in one message. Which part asks, and which questions it asks, each on its own.
"""

from __future__ import annotations

import re

from ..figures import arabic_numerals
from ..text import normalize
from .english import english_parts, is_english
from .intent import ACTUALLY_Q, ASKS_HOW_MUCH, COMPLETION_Q, PLAN_Q, REFERS_BACK, YES_NO_Q

# A long WeChat message asks its question at the end: the last sentence holding a question word.
_NAMES_A_FIGURE = re.compile(r"(?:那个|这个|那|这)(?:数|数字|数据|数目)$")
_ONE_THING = re.compile(r"^(?:1|一)件事")  # 想问1件事：…
_SENTENCE_ENDS = "。！!？?"
_SENTENCES = re.compile(r"[^。！!？?]+[。！!？?]*")
CLAUSES = re.compile(r"[^。！!？?；;:：\n，,\s]+")
HOW_MANY = r"(?:多少|(?<![好举])几(?!乎))"  # not 好几万人, 举几个例子, 几乎
QUESTION_WORD = re.compile(rf"{HOW_MANY}|什么|啥|吗|谁|哪|怎么|是否|有没有|是不是|了没|呢")
# 那几个小岛 points at things, it does not ask how many.
_ASKS_A_FACT = re.compile(
    r"(?<![好举说那这\d])几(?!乎)|多少|哪个|哪些|(?<![那这])哪几|哪一|哪所|哪家|谁|(?:什么|啥)时候|何时"
)
_ASKING_MARKER = re.compile(
    r"(?:我就|我一直|我)?(?:想问一下|想问一句|想问问|想问下|想请问|想请教一下|想请教|请教一下|想知道|想晓得|想了解|想弄清楚|想咨询|请问一下|请问|问一下|问下|好奇)"
    # 有人问我：…, 我媳妇问…, 两件事一起问：… — who asks, and what follows is asked.
    r"|有人问我|有人问(?![题过])|(?<=[，,])问(?![题过])|一起问|(?:老婆|媳妇|老公|老伴|我妈|我爸|(?<!其)[她他])问(?![题过])"
    r"|(?:侬|你|您)?帮(?:我|忙|他|她)(?:看看|查查|看一下|查一下|找找|问问)"  # a voice message's …侬帮我看看现在…多少
    # Hotline staff after a caller's story: 我先查一下：…, 反正我先确认下 … — what they look up.
    r"|先(?:查一下|查查|查下|确认一下|确认下|核实一下|核实下)"
)
# 各检查了几次？哪个查得多一点？: which is more compares the figures just asked, it asks no new one.
_COMPARES = re.compile(
    r"(?:哪个|哪项|哪一个|哪一项|谁)[^，,。？?]{0,6}?(?:更|最|比较)?(?:多|少|高|低)(?:一点|一些|些)?$"
)
# 是真的吗 具体是多少, 是吧 到底几个: pressing for the figure just asked about, no question of its own.
_PRESSES = re.compile(
    r"^(?:那|那么)?(?:具体|到底|究竟|确切)(?:是|有|数字是|数)?(?:多少|几)[个名人家次件户元]?[啊呢呀吧]?$"
)
# 是哪几家 能不能说下名字: asking the names of the things the question before counts, no question of its own.
_NAMES_PRESSED = re.compile(r"^(?:能不能|能否|可不可以|可以|麻烦)?[^，,。？?\d]{0,4}?(?:名字|名单|名称|站名|店名)")
_RUN_ON_ASK = re.compile(r"(?<![好举说那这\d])(?:几|多少)(?:[个项家次件名位户人所起条]次?)?")
_COUNTS_LISTED = re.compile(r"(?<=数)(?:和|与|以及|、|跟)(?=[\u4e00-\u9fff]{2,8}数(?![量据字额]))")
_POINTING_START = re.compile(r"^(?:这|那|该)(?:个|项|次)?")
_COMPARED_AFTER = re.compile(
    rf"(?:跟|和|与)?比[^，,。？?]{{1,6}}?(?:好|高|多|少|低|差|强|涨|降|提升|下降).*(?:{YES_NO_Q.pattern})"
)
_DONE_HOW_OFTEN = re.compile(r"^[\u4e00-\u9fff]了(?:几|多少)[\u4e00-\u9fff]?$")  # 查了几趟: short, yet a question
MEASURE_REACH = 2  # characters of a measure (分, 块钱) between a figure asked and a comparison after it
YES_NO_BEFORE = 10  # characters a yes/no before a count needs to ask of its own subject (not 是不是真的)
COMPOUND_PART = 5  # characters a clause needs to be a question of its own (哪个多 compares, it asks nothing new)
# Greetings and thanks around a question (你好，…谢谢啦) ask nothing.
_PLEASANTRIES = re.compile(
    r"^(?:(?:老板|师傅|同志|小姐姐)?(?:你好|您好|哈喽|在吗)[呀啊，,!！。\s]*)+"
    r"|[，,。.!！?？\s]*(?:谢谢(?:啦|了|你|您|哈)?|多谢|麻烦(?:你|您)?了|辛苦(?:了|啦)?|拜托(?:了|啦)?|感谢)[!！。.~～\s]*$"
    # …多少人次啊 呜呜, …哪个多哈哈: feelings typed after the question ask nothing.
    # …算反诈菜场啊 侬晓得伐, …你知道吗: a tag asking whether one knows asks nothing of its own.
    r"|[，,。.!！?？\s]+(?:侬|你|您)?(?:晓得|知道)(?:伐|吗|不|哇|么|嘛)[!！。.?？~～\s]*$"
    r"|[，,。.!！?？\s]*(?:哈{2,}|呵{2,}|嘿嘿|嘻嘻|呜{2,}|哎呀|唉|吓死(?:我)?了|急死(?:人|我)?了|笑死|好烦)[!！。.~～\s]*$"
)
# 想转给老乡看, 我好跟家里说: the asker's own plans after the question ask nothing.
_AFTERWORD = re.compile(r"[，,\s]+(?:我|想|要|准备|打算|好让|好跟|给|帮|让|回头|顺便)[^，,。！!？?\s]*$")
# 治理目标中，…提出了什么要求: a frame (in X) before the asking clause belongs to it.
_FRAME = re.compile(r"(?:中|里|方面|当中|之中|之前|以前|之后|以后|的时候)$")  # 治理之前，…多少钱: a time frames it too
_REQUEST = re.compile(r"(?:请|麻烦|劳驾|帮我|给我|帮忙|别光|不要光)(?!问)")
STORY = re.compile(r"我|咱|俺|阿拉")  # the asker's own story: 我们家等了快四年 (阿拉: 我们 in the Wu of 舟山)
_FAMILY_STORY = re.compile(rf"{STORY.pattern}|娃|孩子|宝宝|老婆|老公|媳妇|爸|妈|家里")  # 娃半夜发烧打过一次急救
_OWN_WORDS_AFTER = re.compile(rf"(?:{STORY.pattern})(?!.*(?:{QUESTION_WORD.pattern}))")
_GOES_ON_ASKING = re.compile(r"(?:还有|以及|另外|并且|同时|和|跟|那|再)")  # 还有发现的问题数: asks on, elliptically
_ASKED_IS = re.compile(r"(?:想|要)?问的是|想问|想知道")  # 我想问的是2024年: the asker says what is asked
_AFTER_EVENT = re.compile(r"(?<![年月])(?:以后|之后)$")
_THERE = re.compile(r"(?:他们|她们|他|她|你们)(?:那边|那里|那儿)|当地")
_TOLD_BY_OTHERS = re.compile(r"来电|反映说|打电话说|在传|传言|传闻|据说|网上说")  # 群里在传…拦下了好几万人: hearsay
_PLANNED = re.compile(rf"{PLAN_Q.pattern}|说是|听说")
_TELLS_WHO_ASKS = re.compile(r"(?<![请想要问])问(?!题)")
AMONG = re.compile(r"其中|这里面|这当中")  # 处理了19人，其中…几个: a part of the whole stated before
# 我爸原话：“听讲…要并掉了，是不是真的？”: words quoted whole (with their stops, not a term like “反诈阵地”)
# report what someone said; when the message asks a fact outside them, they are no part of what it asks.
_REPORTED = re.compile(
    r"(?:[^，,。？?！!：:“”「」]{0,6}(?:说|讲|原话|道)[:：，,]?\s*)?(?:“[^“”]*[，,。？?！!][^“”]*”|「[^「」]*[，,。？?！!][^「」]*」)"
)
LONG_MESSAGE = 40  # characters from which only the asking clauses give type and subject
ASKING_MIN = 12  # characters the asking part reaches, taking in clauses before the one that asks


# 有群众来电问，…: hotline staff relaying a caller's question; the relaying asks nothing.
# 群里有人问…, 李伯伯问…, 隔壁王阿姨问…: a neighbour's question relayed by a WeChat group's volunteer.
_CALLERS = (
    r"(?:(?:群众|市民|居民|老百姓|来电人|网友|群友|邻居|家长|同事|朋友|同学|学生|老师|亲戚|街坊|老乡|村民|业主|顾客|患者)们?|人|女士|先生|师傅|老人家?"
    r"|[\u4e00-\u9fff]?(?:阿姨|大爷|大妈|大叔|大姐|老伯|阿婆|伯伯|叔叔|婶婶|奶奶|爷爷|外婆|外公|阿公))"
)
_RELAYED = re.compile(
    rf"^(?:群里|隔壁|楼上|楼下|对门|小区里|村里)?(?:有|刚才有|一位|有个|有位)?(?:来电的|打电话的|打电话来的)?"
    rf"{_CALLERS}(?:来电|打电话|打来电话|电话|留言)?(?:问|咨询|询问|想知道|想了解|想(?:比较|对比|核对)(?:一下)?)(?!题)(?:一下|说|到)?[，,：:\s]*"
)
# …，来电的大爷问的。: who asked, said after the question, asks nothing.
_RELAYED_AFTER = re.compile(
    rf"[，,。\s]*(?:是)?(?:来电的|打电话的|打电话来的)?{_CALLERS}(?:问的|问我的|让我问的)[。!！\s]*$"
)


# 请以公告原文数字为准, 请注意“处分”与“处理”不同, 需区分目标与结果：…: how to answer, which asks nothing and
# names no subject of its own.
_INSTRUCTION = re.compile(r"(?:请|需要?|务必|注意|烦请)(?!问|教)")
_INSTRUCTION_HEAD = re.compile(
    rf"^(?:[^:：。？?!！]{{0,20}}[，,])?{_INSTRUCTION.pattern}[^:：。？?!！]{{2,20}}[:：]\s*"
)
_CLAUSE_STARTS = re.compile(r"(?<=[，,；;])")
# …的问题，和老旧小区…的问题，哪个多: one thing joined to another.
_JOINED = re.compile(r"(?:和|与|跟|以及|还有)(?!谁|哪)")


def without_pleasantries(text: str) -> str:
    """The message without the greeting before it, the relaying of a caller's question, the thanks after it,
    and instructions on how to answer."""
    plain = _PLEASANTRIES.sub("", text).strip()
    plain = _RELAYED_AFTER.sub("", _RELAYED.sub("", plain)).strip() or text
    return _without_instructions(plain) or plain


def _without_instructions(text: str) -> str:
    """Each sentence up to a clause that instructs and asks nothing (…罚没款金额，请精确到…，并注明单位)."""
    text = _INSTRUCTION_HEAD.sub("", text)
    kept = []
    for sentence in _SENTENCES.findall(text):
        clauses = _CLAUSE_STARTS.split(sentence)
        cut = next(
            (i for i, c in enumerate(clauses) if _INSTRUCTION.match(c.strip()) and not _asks("".join(clauses[i:]))),
            len(clauses),
        )
        kept.append("".join(clauses[:cut]).rstrip("，,；; "))
    return "".join(k for k in kept if k.strip(_SENTENCE_ENDS + " "))


def _asks(text: str) -> bool:
    return bool(_ASKS_A_FACT.search(text) or YES_NO_Q.search(text))


def compound_parts(text: str) -> list[str]:
    """食堂检查了多少次，发现多少问题: two questions in one short message, each asked on its own."""
    whole = without_pleasantries(normalize(text))
    if is_english(whole):
        return english_parts(whole)  # its clauses (For the campaign: how many…) are not Chinese clauses
    text = asking_part(whole)
    # 一共劝阻了多少人次？大额警情拦下来几起？: sentences that each ask a fact are questions of their own.
    # A short one (各是多少) presses for the same fact; a yes/no after a figure (是不是都处理好了) asks its own.
    sentences = [s.strip("。！!？? ") for s in _SENTENCES.findall(text) if s.strip("。！!？? ")]
    if (
        len(sentences) >= 2
        and any(_ASKS_A_FACT.search(s) for s in sentences)
        and all((_ASKS_A_FACT.search(s) or YES_NO_Q.search(s)) and len(s) >= COMPOUND_PART for s in sentences)
        # 各是多少次 presses for the figures compared; 实际分别培育了几个 after a plan asks what was done.
        and not any(
            _leans_on_the_last(s) and not _done_after_planned(sentences, i) for i, s in enumerate(sentences) if i
        )
    ):
        return [_story_before(whole, text) + sentences[0], *sentences[1:]]
    clauses = [
        piece
        for clause in CLAUSES.findall(text)
        if clause.strip() and not _REQUEST.match(clause)  # 别光跟我说成效 asks nothing
        for piece in _run_on(clause)
    ]
    # 买了多少套那个数，是统计到什么时候的: the first clause names a figure, the second asks of it.
    asking = [
        i
        for i, clause in enumerate(clauses)
        if _ASKS_A_FACT.search(clause)
        and (len(clause) >= COMPOUND_PART or _DONE_HOW_OFTEN.match(clause))
        and not _NAMES_A_FIGURE.search(clause)
    ]
    # 一共收了多少件，最后都摆平了没: a yes or no after a figure asks its own (有意见找谁，有人管没有 presses for
    # the same fact; one naming a figure presses for the figure).
    counted = [i for i in asking if ASKS_HOW_MUCH.search(clauses[i])]
    asking += [
        i
        for i, clause in enumerate(clauses)
        if counted
        and i not in asking
        and YES_NO_Q.search(clause)
        and (
            (i > counted[0] and len(clause) >= COMPOUND_PART and not re.search(r"\d", arabic_numerals(clause)))
            # 5年以上的是不是全解决了 3到5年的解决了多少户: whether all was done, asked of its own subject
            # before the count (会不会偷偷少给油啊，查了多少家 is a worry, not a question).
            or (i < counted[0] and len(clause) >= YES_NO_BEFORE and COMPLETION_Q.search(clause))
        )
    ]
    asking.sort()
    if len(asking) < 2 or any(_leans_on_the_last(clauses[i]) for i in asking[1:]):
        return [text]  # 哪几个是…牵头的，分别是哪个单位: the second presses for the first's answer
    # Clauses before the first asking one (a topic, 食堂那边) belong to it; the rest to the one they follow.
    starts = [0, *asking[1:]]
    ends = [*asking[1:], len(clauses)]
    parts = ["，".join(clauses[s:e]) for s, e in zip(starts, ends, strict=True)]
    if _POINTING_START.match(parts[0]):  # 老人想反映敬老院的问题，这个专项是谁牵头的，…: 这个 is 敬老院
        story = _story_before(whole, whole[whole.find(clauses[0]) :])
        return [f"{story}，{parts[0]}" if story else parts[0], *parts[1:]]
    return parts


# 流动集市和订单配送分别搞了几次: one question asked of two things, each answered on its own.
_EACH_OF_TWO = re.compile(
    r"(?P<first>[\u4e00-\u9fff]{2,8})(?:和|与|跟|以及|、)(?P<second>[\u4e00-\u9fff]{2,8}?)(?:这|那)?(?:两[个项样块种])?"
    rf"(?:分别|各自|各)(?P<asked>[^，,。？?！!]*?{HOW_MANY}[^，,。？?！!]*)"
)


def each_of_two(text: str) -> list[str]:
    """The question asked of each of two things it names side by side (…流动集市搞了几次, …订单配送搞了几次), or
    none when it names no such pair."""
    pair = _EACH_OF_TWO.search(text)
    if pair is None:
        return []
    before = text[: pair.start()]
    return [f"{before}{pair['first']}{pair['asked']}", f"{before}{pair['second']}{pair['asked']}"]


def _story_before(whole: str, text: str) -> str:
    """The story before the asking part, which stays with the first question for what it names (我儿子在学校
    食堂吃饭); what comes before a marked question (有人问我：…, 两件事一起问：…) is no part of it."""
    story = whole[: whole.find(text)] if whole.find(text) > 0 else ""
    marked = [m.end() for m in _ASKING_MARKER.finditer(story) if story[m.end() :].lstrip().startswith((":", "："))]
    return story[marked[-1] :].lstrip(":： ") if marked else _ASKING_MARKER.sub("", story).rstrip("，, ")


def _run_on(clause: str) -> list[str]:
    """制度几项会同了几家单位一起搞的: two questions typed (or dictated) with no stop between, cut after the
    first one's counting word; X里面多少户是… asks one part of a whole, and 几次、多少个 is read as listed.
    满意度打了几分比上年好点伐 asks the figure, then how it compares."""
    if listed := _COUNTS_LISTED.search(clause):
        # 检查次数和整改问题数: two counts named one after the other, each asked (a count named alone asks it).
        first, second = clause[: listed.start()], clause[listed.end() :]
        if min(len(first), len(second)) >= COMPOUND_PART:
            return [part if _ASKS_A_FACT.search(part) else f"{part}是多少" for part in (first, second)]
    asks = list(_RUN_ON_ASK.finditer(clause))
    if len(asks) == 2 and clause[asks[0].end() : asks[1].start()].endswith("、") and asks[0].group() != asks[1].group():
        # 改了几个区块、几幢楼: the second asks of what the first does, in another measure.
        comma = clause.rfind("、", 0, asks[1].start())
        return [clause[:comma], clause[: asks[0].start()] + clause[asks[1].start() :]]
    compared = _COMPARED_AFTER.search(clause, asks[0].end()) if asks else None
    if compared and compared.start() - asks[0].end() <= MEASURE_REACH:
        cut = compared.start()
    elif len(asks) < 2 or re.search(r"里|中|、", clause[asks[0].end() : asks[1].start()]):
        return [clause]
    else:
        cut = asks[0].end()
    first, second = clause[:cut], clause[cut:]
    return [first, second] if min(len(first), len(second)) >= COMPOUND_PART else [clause]


def _leans_on_the_last(question: str) -> bool:
    """分别是哪个单位, 哪个多, 具体是多少: a question pressing for, or comparing, what the one before asked."""
    return bool(
        REFERS_BACK.search(question)
        or _COMPARES.match(question)
        or _PRESSES.match(question)
        or _NAMES_PRESSED.match(question)
    )


def _done_after_planned(sentences: list[str], i: int) -> bool:
    """计划培育几个？实际分别培育了几个？: what was done, asked after what was planned."""
    return bool(ACTUALLY_Q.match(sentences[i])) and any(PLAN_Q.search(s) for s in sentences[:i])


def _ends_asking(marked: list[str], i: int) -> bool:
    """Is sentence ``i`` asked: a question mark, or the message's last words left without a full stop?"""
    return marked[i].endswith(("？", "?")) or (i == len(marked) - 1 and not marked[i].endswith(("。", "！", "!")))


def _short_question(text: str) -> str:
    """A short question less the asker's plans after it, and less a family story typed after it (…什么时候
    挂牌的呀 娃半夜发烧打过一次急救)."""
    plain = _AFTERWORD.sub("", text)
    parts = re.findall(r"\S+", plain)
    asked = [i for i, part in enumerate(parts) if QUESTION_WORD.search(part)]
    if asked and all(_FAMILY_STORY.search(part) for part in parts[asked[-1] + 1 :]):
        plain = " ".join(parts[: asked[-1] + 1])
    return plain if QUESTION_WORD.search(plain) else text


def asking_part(text: str) -> str:
    """The clauses of a long message, or of one with several sentences, that ask (from the last holding a
    question word, or what follows 想问一下); a short question whole."""
    unquoted = _REPORTED.sub("", text)
    text = unquoted if unquoted != text and _ASKS_A_FACT.search(unquoted) else text
    marked = [m for m in _SENTENCES.findall(text) if m.rstrip(_SENTENCE_ENDS).strip()]  # with their end marks
    # …金额是多少？我在发言稿里要引用。: the asker's own plans after a question ask nothing.
    # …劝阻了多少人次啊？感觉天天打电话: a remark after the question, asking nothing and adding no question
    while (
        len(marked) >= 2
        and marked[-2].endswith(("？", "?"))
        and (
            _OWN_WORDS_AFTER.match(marked[-1])
            # (…调控后在3500左右，我想说明前后变化 states a figure the question then excludes)
            or not (
                QUESTION_WORD.search(marked[-1])
                or _GOES_ON_ASKING.match(marked[-1])
                or re.search(r"\d", arabic_numerals(marked[-1]))
            )
        )
    ):
        text = text[: text.rfind(marked.pop())]
    asked = _ASKING_MARKER.split(text)
    after = _ONE_THING.sub("", asked[-1].strip("，,。:： ")).strip("，,。:： ") if len(asked) > 1 else ""
    if _THERE.search(after):
        after = ""  # 来电人住普陀区，问他们那边…: the place asked about is the story's
    if len(after) >= LONG_MESSAGE:
        # 她想问问是不是政府弄的 她家儿子…那几个小岛订单配送一共搞了几次: a story goes on after the marker.
        return asking_part(after)
    if len(after) >= ASKING_MIN:
        return after  # 我想问一下全区的中小学食堂一共去检查了多少次
    sentences = [m.rstrip(_SENTENCE_ENDS) for m in marked]
    if len(text) < LONG_MESSAGE and len(sentences) < 2:
        return _short_question(text)
    # The last sentences that each ask, when more than one does (…多少人次？…拦下来几起？; …是否均已化解？
    # 共受理了多少件？), a yes or no asked with a question mark (not 说是不是根本没培训过。, which reports).
    asking_sentences = [
        i
        for i, sentence in enumerate(sentences)
        if _ASKS_A_FACT.search(sentence) or (YES_NO_Q.search(sentence) and _ends_asking(marked, i))
    ]
    if (
        len(asking_sentences) >= 2
        and asking_sentences[-1] == asking_sentences[-2] + 1
        and any(_ASKS_A_FACT.search(sentences[i]) for i in asking_sentences[-2:])
    ):
        first = asking_sentences[-1]
        while first - 1 in asking_sentences:
            first -= 1
        return "？".join(sentences[first : asking_sentences[-1] + 1]) + "？"
    clauses = CLAUSES.findall(text)
    # 劝阻了多少人次，是一万出头吗？具体数字呢: the clause asking for a fact, not the one pressing for it.
    asking = [i for i, clause in enumerate(clauses) if _ASKS_A_FACT.search(clause)]
    asking = asking or [i for i, clause in enumerate(clauses) if QUESTION_WORD.search(clause)]
    if not asking:
        return text
    last = asking[-1]
    # Clauses after it that press for the same fact (是一万出头吗) add no question of their own, nor does a
    # request for its form (请给我精确到小数点后的数字, 请把岛名一一列出来).
    end = next(
        (i for i in range(last + 1, len(clauses)) if QUESTION_WORD.search(clauses[i]) or _REQUEST.match(clauses[i])),
        len(clauses),
    )
    # 目标是什么？对不同年限分别有什么要求: the last presses (分别) for what the one before asks; 那217户，分别…
    # 各多少户: for the things the clause before names.
    refers = REFERS_BACK.search(clauses[last])
    start = (asking[-2] if len(asking) >= 2 else max(last - 1, 0)) if refers else last
    # …：查处了多少个腐败问题，处理了多少人: clauses asking one after another are each a question (几个工友问…的事
    # tells who asks).
    first_asked = end  # up to which the clauses taken must reach ASKING_MIN characters
    while start - 1 in asking and not _TELLS_WHO_ASKS.search(clauses[start - 1]):
        start -= 1
        first_asked = start + 1
    while start > 0 and (
        sum(len(c) for c in clauses[start:first_asked]) < ASKING_MIN
        or _FRAME.search(clauses[start - 1])
        or AMONG.match(clauses[start])
        or _JOINED.match(clauses[start])
    ):
        start -= 1
    return "，".join(clauses[start:end])


# 她们村, 我们岛上: the asking clause points back at a place the asker's story named.
POINTS_TO_STORY_PLACE = re.compile(r"(?:[她他我你咱俺]们|[她他我你咱俺]家|那个|这个)(?:村|镇|街道|社区|岛|乡)")
_BARE_QUESTION = re.compile(
    r"\s*(?:那|那么)?(?:都|分别|到底|究竟)?(?:是|有)?(?:哪几个|哪几家|哪几项|哪些|哪个|多少|几个|什么|啥|谁)"
    r"(?:啊|呀|呢|吗|嘛|哦|哈)?\s*[？?！!。]*\s*"
)


def without_story(asking: str) -> str:
    """The asking part less the asker's story told in clauses of its own (说实话我们做小生意的最怕被查，…查处了
    多少个腐败问题) and what someone is reported to have said (有群众来电说种牙太贵了): their words name
    nothing asked."""
    clauses = CLAUSES.findall(asking)
    kept = [c for c in clauses if QUESTION_WORD.search(c) or not (STORY.search(c) or _TOLD_BY_OTHERS.search(c))]
    # 我妈说卫健局牵头搞了好几个专项，是哪几个: a bare question asks of what the story told.
    asks_of_its_own = any(QUESTION_WORD.search(c) and not _BARE_QUESTION.fullmatch(c) for c in kept)
    return "，".join(kept) if len(kept) < len(clauses) and asks_of_its_own else asking


def sentence_asking(text: str, asking: str) -> str:
    """The sentence where the asking part starts, less the asker's story (2022年那时候，…开展了多少次: the year
    is asked; 我想问的是2024年 says so; 我2022年被骗了 does not)."""
    first = next(iter(CLAUSES.findall(asking)), asking)
    sentence = next((s for s in _SENTENCES.findall(text) if first in s), "")
    return "，".join(c for c in CLAUSES.findall(sentence) if not STORY.search(c) or _ASKED_IS.search(c))


def stated_clauses(text: str, asking: str) -> list[str]:
    """The clauses whose figures the question states (那5件, 3到5年): not the asker's own story (我们家等了快四年),
    an event before the question (32所中小学自查完以后，…), nor a plan set against what was done (目标说培育3个，
    实际培育了几个); with the whole a part is asked of (处理了19人，其中受到处理的是几个)."""
    stated = [c for c in CLAUSES.findall(asking) if not (STORY.search(c) or _AFTER_EVENT.search(c))] or [asking]
    actual = next(
        (i for i, c in enumerate(stated) if ACTUALLY_Q.match(c) and any(_PLANNED.search(b) for b in stated[:i])), 0
    )
    stated = stated[actual:]
    if AMONG.match(asking) and text.find(asking) > 0:
        stated += [c for c in CLAUSES.findall(text[: text.find(asking)]) if not STORY.search(c)]
    return stated
