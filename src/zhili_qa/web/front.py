"""The front door of the Gradio pages: what their served HTML says before any script runs.

Gradio's index page is English (``lang="en"``, no ``<title>``, an og card saying "Gradio" with a picture on an
outside host and a literal ``{url}``); WeChat and other apps show that card when the link is shared. This ASGI
middleware rewrites those pages' HTML on the way out: Chinese language and title, one card named after the
bulletin (its title comes from the corpus), a picture this app serves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .templating import fragment

SHARE_IMAGE = "/zq/share.png"
_GRADIO_CARD = re.compile(r'<meta\s+(?:property="og:|name="twitter:)[^>]*>\s*')
_LANG = re.compile(r'(<html\s+)lang="en"')
_CHARSET = '<meta charset="utf-8" />'
_BODY = re.compile(r"<body[^>]*>")


@dataclass(frozen=True)
class Card:
    title: str
    description: str
    lite: str = ""  # the page's lite version: linked while the page loads, and where ?lite=1 leads


def card_head(card: Card, url: str, image: str) -> str:
    """<title>, description and one og/twitter card (everything escaped)."""
    return fragment("card_head", card, url, image, template="front.html")


def rewrite(html: str, card: Card, url: str, image: str) -> str:
    html = _LANG.sub(r'\1lang="zh-CN"', _GRADIO_CARD.sub("", html), count=1)
    if card.lite:
        note = fragment("boot_note", card.lite, template="front.html")
        html = _BODY.sub(lambda m: m.group(0) + note, html, count=1)
    return html.replace(_CHARSET, _CHARSET + card_head(card, url, image), 1)


def origin(scope) -> str:
    """scheme://host of the request as the client addressed it (the Host header; a proxy's scheme where the
    server trusts it, which uvicorn writes into the scope)."""
    headers = dict(scope.get("headers", []))
    host = headers.get(b"host", b"").decode("latin-1")
    if not host and scope.get("server"):
        host = "{}:{}".format(*scope["server"])
    return f"{scope.get('scheme', 'http')}://{host}"


class FrontDoorMiddleware:
    """Rewrites the HTML of GET requests to the given page paths; everything else passes untouched."""

    def __init__(self, app, *, cards: dict[str, Card]) -> None:
        self.app = app
        self.cards = cards

    async def __call__(self, scope, receive, send):
        card = self.cards.get(scope.get("path", "")) if scope["type"] == "http" else None
        if card is None or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        if card.lite and b"lite=1" in scope.get("query_string", b"").split(b"&"):
            await send({"type": "http.response.start", "status": 307, "headers": [(b"location", card.lite.encode())]})
            await send({"type": "http.response.body", "body": b""})
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def collect(message):
            headers = dict(message.get("headers", []))
            if message["type"] == "http.response.start" and headers.get(b"content-type", b"").startswith(b"text/html"):
                start.update(message)  # held until the whole page is here and rewritten
                return
            if not start or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            base = origin(scope)
            html = rewrite(b"".join(chunks).decode("utf-8"), card, base + scope["path"], base + SHARE_IMAGE)
            body = html.encode("utf-8")
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, collect)
