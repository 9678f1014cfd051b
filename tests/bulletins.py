"""A small bulletin of this format for tests that build their own index."""

import textwrap

SMALL = textwrap.dedent(
    """\
    2024年以来，县纪委会同3家单位开展专项治理。
    1
    治理项目：农贸市场计量专项治理
    牵头单位：县市场监管局
    治理目标：杜绝缺斤少两。
    治理成果：1.检查市场15家次，整改问题3个。2.设立公平秤20台。
    2
    治理项目：校车安全专项治理
    牵头单位：县教育局
    治理成果：1.排查校车12辆，整改隐患4处。
    """
)
