"""The English phrases a Chinese question word stands for: what is asked (how many: 多少), what a question
names when no question word decides (a price: 多少钱), one unit asked (each institution: 单家), and the measure
word of what is counted (households: 户). english.py reads questions with them."""

from __future__ import annotations

# Question words: the one nearest the start decides what is asked ("Which department is in charge of
# the dental implant price project?" asks for a department, not a price).
QUESTION_WORDS = (
    (
        r"\bwhat (?:time|hours)\b|\bopening (?:hours|times)\b|\bwhen (?:is|are|do|does) [a-z' -]{0,40}\bopen\b",
        "几点开门",
    ),
    (r"\bhow many times\b", "多少次"),
    (r"\bhow often\b|\bhow frequently\b", "多久一次"),
    (r"\bhow many\b|\bnumber of\b", "多少"),
    (
        r"\bby (?:roughly |about |approximately |around )?(?:how much|how many|what (?:percentage|percent|proportion|share))\b"
        r"|\bhow much (?:did|does|has|have|had) [a-z0-9' -]{0,120}?\b(?:rise|rose|risen|increase|increased|improve|improved"
        r"|grow|grew|go up|went up|fall|fell|fallen|drop|dropped|decrease|decreased|decline|declined)\b",
        "CHANGE",
    ),
    # what was the return rate: a rate named by what it is of.
    (
        r"\bwhat (?:(?:is|was|are|were) )?(?:the )?(?:[a-z-]+ )?(?:percentage|percent|proportion|share|rate)\b|\bwhat %",
        "比例多少",
    ),
    # what did the average price drop to: where it stands after the fall, not by how much.
    (
        r"\bwhat (?:did|does|has|have|had) [a-z -]{0,60}\b(?:drop|fall|fell|dropped|fallen|come|came|go|went|decrease|decreased|cut|reduced|lowered) (?:down )?to\b",
        "价格降到多少钱",
    ),
    (
        r"\bhow much\b|\bwhat (?:(?:is|was|are|were) )?(?:the )?(?:[a-z-]+ ){0,2}(?:price|cost|fee|charge|fine|penalt(?:y|ie))s?\b",
        "多少钱",
    ),
    # "what's the average ambulance response time": a duration, which no date answers.
    (r"\bhow long\b|\b(?:response|waiting|wait|arrival|travel) times?\b", "多长时间"),
    (
        r"\bwhen\b|\bwhat (?:years?|months?|dates?|times?|seasons?|periods?)\b|\bwhich (?:years?|months?|seasons?)\b"
        r"|\bsince when\b|\bas of\b",
        "什么时候",
    ),
    (
        r"\bwho(?:'s| is| was| are| were) (?:the )?(?:(?:current|actual|present|real|top|main) )?(?:head|director|chief|manager|boss|person in charge|official|secretary|mayor|leader)s?\b"
        r"|\bname of the (?:[a-z-]+ )?(?:person|official|officer|director|head|company|firm|contractor)\b",
        "负责人是谁",
    ),
    (
        # "the 19 people who got criticised": who after a noun starts a relative clause, it asks nothing.
        r"(?:^|[,.;:?!(]\s*|\b(?:and|but|so|or|me|us|know|wonder|wondering|asking|ask|tell|say|exactly|actually)\s+)who\b"
        r"|\bwhich (?:[a-z]+ )?(?:departments?|agenc(?:y|ies)|units?|offices?|bureaus?|authorit(?:y|ies)|organi[sz]ations?|bod(?:y|ies))\b"
        r"|\bin charge\b|\bresponsible\b|\bled by\b|\blead (?:unit|department|agency)\b",
        "哪个部门牵头",
    ),
    (r"\b(?:which|what) (?:projects?|campaigns?|initiatives?|areas?)\b", "哪些项目"),
    (r"\bwhich (?:had|has|was|is|did|saw|got)? ?(?:more|fewer|less|higher|lower|bigger|larger|smaller)\b", "哪个多"),
    (
        r"\bwhat (?:(?:is|was|were|are) )?(?:[a-z']+ ){0,5}(?:ranks?|rankings?|place|position)\b|\bwhere (?:did|does|do) [a-z' ]{0,30}?\b(?:rank(?:ing|ed)?|come|place|finish)\b",
        "排名第几",
    ),
    (r"\bwhat (?:(?:is|was|were|are) )?(?:[a-z']+ ){0,5}(?:score|mark)s?\b|\bhow many points\b", "多少分"),
    (r"\b(?:what|how much)\b[a-z' ]{0,20}?\b(?:floor |building |construction )?area\b", "面积多少平方米"),
    (r"\bwhat (?:target|goal|aim|objective)s?\b", "目标是什么"),
    (r"\b(?:phone|telephone|hotline) number\b|\bnumber (?:to (?:call|ring|dial|phone)|for)\b", "电话号码是多少"),
    (r"\bwhere\b|\baddress\b", "在哪里"),
    (
        r"\bwhat(?: is|'s| was) (?:it|that|this|the \w+) called\b|\bname of\b|\btitle of\b|\bcalled\b|\bnamed\b"
        r"|\bwhat(?:'s| is| was| are| were) (?:the |that |this )?(?:[a-z-]+ )?(?:apps?|platforms?|system|website|software)\b",
        "叫什么",
    ),
    # "Could you break down …: how many …" asks the figure; "Could the price …" asks yes or no.
    (r"^(?!(?:could|can|would|will) you\b)(?:is|are|was|were|did|does|do|has|have|had|can|could)\b", "吗"),
)
# Where no question word decides, what the question names: a goal asks the goal, a price a sum.
ASKED_NOUNS = (
    (r"\bgoals?\b|\baim(?:s|ing|ed)?\b|\bobjectives?\b|\btargets?\b|\bpurpose\b|\bsupposed to\b", "目标是什么"),
    (
        r"\bprice\b|\bcost\b|\bcharge[sd]?\b|\bfine[sd]?\b|\bmoney\b|\bamount\b|\bspent\b|\bincome\b|\brevenue\b|\bbudget\b"
        r"|\bfund(?:s|ing)\b|\binvestment\b|\bsalar(?:y|ies)\b|\bwages?\b|\bin yuan\b|\blos(?:e|t|s|ses)\b",
        "多少钱",
    ),
    (r"\brank(?:ing|ed)?\b", "排名第几"),
    (r"\brates?\b|\bpercent(?:age)?\b|\bproportion\b", "比例多少"),
    (r"\bscore\b|\bpoints\b", "多少分"),
    (r"\blead(?:s|ing)?\b|\borgani[sz]ed\b", "哪个部门牵头"),
    (r"\bwhich\b|\bwhat (?:are|were)\b|\blist\b", "有哪些"),
    (r"\bresults?\b|\bachieve(?:d|ments?)?\b|\bwhat (?:was|has been|have been) done\b|\bprogress\b", "取得了什么成果"),
    # "What's 96110?": what a thing is, when nothing more particular is asked.
    (r"^\W*what(?:'s| is| was)\b", "是什么"),
)
# One unit's figure, not a total (每人, 单家, 最多的一个): the per-unit check reads these.
_BUSINESSES = (
    r"(?:gas |petrol )?stations?|shops?|stores?|schools?|hospitals?|clinics?|compan(?:y|ies)|institutions?|homes?"
)
PER_UNIT = (
    (r"\bper (?:person|head|capita)\b|\beach person\b", "每人"),
    (r"\bper (?:household|family)\b|\beach (?:household|family)\b", "每户"),
    (
        rf"\b(?:a|one|each|per|every) (?:single )?(?:{_BUSINESSES})\b|\bsingle (?:{_BUSINESSES})\b"
        rf"|\beach of the (?:\d+ )?(?:[a-z]+ )?(?:{_BUSINESSES})\b|\b(?:that|this|the) (?:particular|specific|one) (?:{_BUSINESSES})\b",
        "单家",
    ),
    (r"\b(?:per|a single|one|1|each) (?:dental )?(?:implant|tooth)\b", "单颗"),
    # "that big case … how much was that one fined": one case's figure, not the campaign's total.
    (r"\bthat (?:one|1)\b|\b(?:that|this) (?:big |major |particular )?case\b|\bthe (?:big|major) case\b", "单件"),
    (r"\b(?:biggest|largest|highest|lowest|smallest|most expensive|maximum|minimum)\b", "最多的一个"),
)

# 多少 with the counted noun's measure word, so that the count check knows what is counted.
MEASURES = (
    (r"buildings?", "幢"),
    (r"households?|families|familys", "户"),
    (r"schools?", "所"),
    (
        r"people|persons?|suspects?|staff|workers?|officials?|residents?|victims?|officers?|carers?|caregivers?|nurses?"
        r"|cadres?|students?|patients?|teachers?|doctors?|volunteers?|trainees?",
        "人",
    ),
    (r"complaints", "件"),
    (r"times|inspections?|checks?|sessions?|visits?|trips?|deliveries|rounds?", "次"),
    (r"stations?|institutions?|companies|enterprises|hospitals?|clinics?|shops?|stores?|homes?", "家"),
    (r"departments?|agencies|bureaus?|units?", "家"),
    (r"sets?|implants?", "套"),
    (r"indicators?|metrics?|criteria", "项"),  # 33项查纠指标
    (r"notices?|letters?", "份"),  # 整改通知书7份
    # cases: 立案5件, but also 腐败和作风问题19个; 个 takes a count in any thing's measure.
    (r"problems?|issues?|blocks?|gangs?|projects?|items?|cases?", "个"),
)
