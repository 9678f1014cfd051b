"""The lite page (/lite): the chat for slow links and old WebViews, as plain server-rendered HTML.

It asks the same service the API and the Gradio chat ask and shows the same cited answer, with sources that open
the same original-text page. Without JavaScript a form POST returns the whole page with the answer; the
conversation so far rides along in a hidden field, so a follow-up is understood. Its small ES5 script
(static/lite.js) posts the same form in the background instead and adds the answer in place.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup

from ..errors import UserInputError
from ..schema import MARKER
from . import suggestions
from .front import SHARE_IMAGE, Card, card_head, origin
from .render import answer_view
from .security import frame_ancestors_header
from .service import MAX_HISTORY, QAService
from .sources import copy_text
from .templating import render

log = logging.getLogger(__name__)
FAILED = "抱歉，系统出了点问题，请稍后再试。"
FIELD_CAP = 20_000  # the hidden history (20 turns of at most a few hundred characters) fits well inside


def lite_csp(frame_ancestors: str) -> str:
    """Its own stylesheet and script, posting only to itself."""
    return (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
        f"form-action 'self'; base-uri 'none'; {frame_ancestors_header(frame_ancestors)}"
    )


def read_history(raw: str) -> list[dict]:
    """The hidden field back as the engine's history; anything unreadable starts a fresh conversation."""
    try:
        history = json.loads(raw or "[]")
        return QAService.check_history(history)
    except (ValueError, UserInputError):
        return []


class LitePage:
    def __init__(self, service: QAService, card: Card) -> None:
        self.service = service
        self.card = card
        self.csp = lite_csp(service.settings.frame_ancestors)

    async def turn(self, question: str, history: list[dict], client: str) -> dict:
        """One exchange: {"question", "answer"?, "notice"?, "history", "chips", "label"} for the templates."""
        refused = self.service.over_limit(client)
        if refused:
            return {"question": question, "notice": refused, "history": history, "chips": [], "label": ""}
        try:
            answer = await self.service.ask_in_turn(question, history, channel="lite", client=client)
        except UserInputError as error:
            return {"question": question, "notice": str(error), "history": history, "chips": [], "label": ""}
        except Exception:
            log.exception("lite page could not answer")
            return {"question": question, "notice": FAILED, "history": history, "chips": [], "label": ""}
        # the answer as given, markers and all, as the Gradio chat passes it: the same follow-ups get the same answers
        said = answer["answer"]
        history = [*history, {"role": "user", "content": question}, {"role": "assistant", "content": said}]
        if answer["found"]:
            chips, label = suggestions.follow_ups(self.service.projects, answer, question), "接着问："
        else:
            chips, label = self.service.related_suggestions(question), "您可以试试："
        return {
            "question": question,
            "answer": answer_view(answer),
            "copy_text": copy_text(answer, self.service.titles),
            "history": history[-MAX_HISTORY:],
            "chips": [c.question for c in chips],
            "label": label,
        }

    def page(self, request: Request, earlier: list[dict], turn: dict | None, embed: bool) -> HTMLResponse:
        """The whole page: the earlier exchanges as plain text, then this turn with its sources, then the form."""
        base = origin(request.scope)
        chips = turn["chips"] if turn and turn["chips"] else [s.question for s in self.service.starters]
        html = render(
            "lite.html",
            card=Markup(card_head(self.card, base + "/lite", base + SHARE_IMAGE)),
            title=self.service.document_title,
            welcome=self.service.welcome,
            earlier=_exchanges(earlier),
            turn=turn,
            history=json.dumps(turn["history"] if turn else earlier, ensure_ascii=False),
            draft=turn["question"] if turn and "notice" in turn else "",
            chips=chips,
            label=(turn or {}).get("label") or "可以这样问：",
            embed=embed,
            max_chars=self.service.settings.max_question_chars,
            projects=len(self.service.projects),
        )
        return HTMLResponse(html, headers={"Content-Security-Policy": self.csp, "Cache-Control": "no-cache"})


def _exchanges(history: list[dict]) -> list[tuple[str, str]]:
    """Earlier (question, answer) pairs of the hidden history, shown as plain text above the newest answer."""
    pairs = []
    for asked, said in zip(history[::2], history[1::2], strict=False):
        if asked["role"] == "user" and said["role"] == "assistant":
            pairs.append((asked["content"], MARKER.sub("", said["content"])))
    return pairs


def create_lite(service: QAService, card: Card) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    lite = LitePage(service, card)

    @router.get("/lite")
    async def lite_get(request: Request, q: str = "", embed: bool = False) -> Response:
        if not q.strip():
            return lite.page(request, [], None, embed)
        return lite.page(request, [], await lite.turn(q, [], _client(request)), embed)

    @router.post("/lite")
    async def lite_post(
        request: Request,
        q: str = Form(default="", max_length=FIELD_CAP),
        chip: str = Form(default="", max_length=FIELD_CAP),
        history: str = Form(default="[]", max_length=FIELD_CAP),
        embed: bool = False,
    ) -> Response:
        asked = chip or q
        earlier = read_history(history)
        if not asked.strip():  # an empty send changes nothing
            if request.headers.get("x-requested-with") == "XMLHttpRequest":
                return Response(status_code=204)
            return RedirectResponse("/lite" + ("?" + urlencode({"embed": 1}) if embed else ""), status_code=303)
        turn = await lite.turn(asked, earlier, _client(request))
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            fragment = render("lite_turn.html", turn=turn)
            chips = render("lite_chips.html", chips=turn["chips"], label=turn["label"] or "可以这样问：")
            return JSONResponse({"turn": fragment, "chips": chips, "history": turn["history"], "ok": "answer" in turn})
        return lite.page(request, earlier, turn, embed)

    return router


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"
