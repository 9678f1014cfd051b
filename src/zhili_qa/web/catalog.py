"""Which bulletin a project number means. Each year's bulletin numbers its projects from 1, so with several
bulletins a project is a (document id, number) pair: the staff filter, /api/search and the project pages key
projects that way, and a number alone means the latest bulletin that has it (or is refused where guessing
would mislead, as in a search filter)."""

from __future__ import annotations

from fastapi import HTTPException

from ..answering.years import bulletin_year
from ..corpus import Document, Project
from ..errors import UserInputError

ALL = ""  # the staff filter's 全部项目


def latest_first(documents: list[Document]) -> list[Document]:
    """Newest bulletin first: by the year it reports, then its publication date (as answering/years.py orders
    them); of equal ones, the later in the corpus first."""
    return sorted(reversed(documents), key=lambda d: (bulletin_year(d) or 0, d.meta.published or ""), reverse=True)


def holding(documents: list[Document], number: int) -> list[Document]:
    """The bulletins with a project ``number``, newest first."""
    return [d for d in latest_first(documents) if any(p.number == number for p in d.projects)]


def bulletin_name(document: Document) -> str:
    """2024年公告 where the bulletin states its period, else its title: what tells two years' bulletins apart."""
    return f"{document.meta.period}年公告" if document.meta.period else document.label


# ---------------------------------------------------------------- the staff filter's choices
def choice(document: Document, project: Project) -> str:
    """A project as a dropdown value: ``10:dinghai-2024`` (a number holds no colon, so the first one splits)."""
    return f"{project.number}:{document.id}"


def chosen(value: str | int | None) -> tuple[str, int] | None:
    """(document id, number) of a dropdown value, None for 全部项目 or anything else."""
    number, _, doc = str(value or "").partition(":")
    return (doc, int(number)) if number.isdigit() and doc else None


def project_choices(documents: list[Document]) -> list[tuple[str, str]]:
    """(label, value) of every numbered project; the bulletin named where there are several."""
    several = len(documents) > 1
    return [
        (f"第{p.number}项 {p.title}" + (f" · {bulletin_name(d)}" if several else ""), choice(d, p))
        for d in latest_first(documents)
        for p in d.projects
        if p.number
    ]


# ---------------------------------------------------------------- a number alone, or with its bulletin
def search_scope(documents: list[Document], number: int | None, doc: str | None) -> str | None:
    """The document a search filter means (None: every one), or UserInputError saying why none: an unknown
    bulletin, a number it lacks, or a number several bulletins have and no ``doc`` to choose."""
    if doc is not None:
        document = next((d for d in documents if d.id == doc), None)
        if document is None:
            raise UserInputError(f"没有这份公告：{doc}。现有公告：{_named(documents)}。")
        if number is not None and not any(p.number == number for p in document.projects):
            raise UserInputError(f"《{document.label}》没有第{number}项。")
        return doc
    if number is None:
        return None
    found = holding(documents, number)
    if not found and len(documents) == 1:
        count = sum(1 for p in documents[0].projects if p.number)
        raise UserInputError(f"没有第{number}项，公告共有{count}项。")
    if not found:
        raise UserInputError(f"没有第{number}项：{_named(documents)}都没有这一项。")
    if len(found) > 1:
        raise UserInputError(f"第{number}项在{len(found)}份公告中都有，请用 doc 参数指明哪一份：{_named(found)}。")
    return found[0].id


def _named(documents: list[Document]) -> str:
    return "、".join(f"《{d.label}》（doc={d.id}）" for d in documents)


def find_project(documents: list[Document], number: int, doc: str | None = None) -> tuple[Document, Project]:
    """Project ``number`` of bulletin ``doc``; without ``doc``, of the newest bulletin that has one (an old link
    without its bulletin still opens). A 404 with a Chinese detail when there is none."""
    if doc is not None:
        document = next((d for d in documents if d.id == doc), None)
        if document is None:
            raise HTTPException(404, "没有这份公告。")
        if any(p.number == number for p in document.projects):
            return document, document.project(number)
    elif found := holding(documents, number):
        return found[0], found[0].project(number)
    raise HTTPException(404, f"没有第{number}项。")
