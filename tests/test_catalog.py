"""Which bulletin a project number means (web/catalog.py), on two small bulletins of different years: the
newest first, a number only one bulletin has needs no bulletin named, a number both have does."""

import pytest
from fastapi import HTTPException

from bulletins import SMALL
from zhili_qa.corpus import parse_bulletin
from zhili_qa.errors import UserInputError
from zhili_qa.web.catalog import chosen, find_project, holding, latest_first, project_choices, search_scope

# The later bulletin reports project 1 only.
LATER = SMALL.replace("2024年以来", "2025年以来").split("2\n治理项目")[0]


@pytest.fixture
def documents():
    """county-2025 (project 1) listed before county-2024 (projects 1 and 2): order is by year, not place."""
    return [parse_bulletin(LATER, "county-2025"), parse_bulletin(SMALL, "county-2024")]


def ids(documents) -> list[str]:
    return [d.id for d in documents]


def test_the_newest_bulletin_comes_first_whatever_the_folder_order(documents):
    assert ids(latest_first(documents)) == ids(latest_first(documents[::-1])) == ["county-2025", "county-2024"]
    assert ids(holding(documents, 1)) == ["county-2025", "county-2024"]
    assert ids(holding(documents, 2)) == ["county-2024"]


def test_a_search_filter_needs_the_bulletin_only_where_the_number_is_ambiguous(documents):
    assert search_scope(documents, 2, None) == "county-2024"
    assert search_scope(documents, 1, "county-2024") == "county-2024"
    assert search_scope(documents, None, "county-2025") == "county-2025"
    assert search_scope(documents, None, None) is None
    with pytest.raises(UserInputError, match=r"第1项在2份公告中都有.*doc=county-2025.*doc=county-2024"):
        search_scope(documents, 1, None)
    with pytest.raises(UserInputError, match="没有第2项"):
        search_scope(documents, 2, "county-2025")
    with pytest.raises(UserInputError, match="没有这份公告：county-2019"):
        search_scope(documents, None, "county-2019")
    with pytest.raises(UserInputError, match="没有第9项"):
        search_scope(documents, 9, None)


def test_a_project_page_without_its_bulletin_opens_the_newest_that_has_it(documents):
    assert find_project(documents, 1)[0].id == "county-2025"
    assert find_project(documents, 2)[0].id == "county-2024"
    assert find_project(documents, 1, "county-2024")[0].id == "county-2024"
    for number, doc in ((9, None), (2, "county-2025"), (1, "county-2019")):
        with pytest.raises(HTTPException) as refused:
            find_project(documents, number, doc)
        assert refused.value.status_code == 404 and "没有" in refused.value.detail


def test_the_staff_filter_keys_a_project_by_its_bulletin(documents):
    choices = project_choices(documents)
    assert [value for _, value in choices] == ["1:county-2025", "1:county-2024", "2:county-2024"]
    assert all(chosen(value) == (value.split(":")[1], int(value[0])) for _, value in choices)
    assert chosen("") is None and chosen(0) is None and chosen("x:y") is None
    assert project_choices(documents[1:])[0][0] == "第1项 农贸市场计量专项治理"  # one bulletin: no name added
