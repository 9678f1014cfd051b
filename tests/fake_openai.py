"""A scriptable OpenAI-compatible chat endpoint on 127.0.0.1, for tests (and for trying the app).

    with FakeOpenAI() as fake:                      # a free port, a uvicorn thread
        fake.script(Script(text="……[1]。"))         # the next request gets exactly this
        settings = Settings.from_env(llm_base_url=fake.base_url, llm_model="fake")
        ...
        fake.requests                               # what arrived: JSON bodies and headers

Each request takes the next queued ``Script``; with none queued the reply quotes passage [1] of the
prompt (a good cited answer) or, for a rewrite prompt, repeats the question. Scripts can fail in
every way an endpoint does: an HTTP status, a hang, malformed JSON, a stream dropped mid-way.

Run ``python tests/fake_openai.py [port]`` to serve the default replies for manual testing.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

_PASSAGE = re.compile(r'<材料 编号="(\d+)"[^>]*>\n(.*?)\n</材料>', re.DOTALL)
_QUESTION = re.compile(r"<(?:最新问题|问题)>(.*?)</(?:最新问题|问题)>", re.DOTALL)


@dataclass
class Script:
    """How to answer one request. ``text`` may be a function of the request's JSON body."""

    text: str | Callable[[dict], str] | None = None  # None: the default reply
    status: int = 200
    hang: float = 0.0  # seconds to wait: before anything, or (stream) before chunk ``hang_after``
    hang_after: int | None = None
    drop_after: int | None = None  # stream: chunks sent before the connection is dropped
    malformed: bool = False  # non-stream: cut-off JSON body; stream: one chunk that is not JSON
    chunk: int = 3  # characters per streamed delta
    finish_reason: str | None = "stop"


@dataclass
class Received:
    body: dict
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)  # when it arrived

    @property
    def prompt(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))


def passages_in(prompt: str) -> dict[int, str]:
    """The numbered passages as the answer prompt gives them (``<材料 编号="n" ...>``)."""
    return {int(n): text for n, text in _PASSAGE.findall(prompt)}


def default_reply(body: dict) -> str:
    prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
    passages = passages_in(prompt)
    if passages:
        return f"根据公告，{passages[1]}[1]。"
    question = _QUESTION.search(prompt)
    return question.group(1).strip() if question else "公告中没有相关内容。"


@dataclass
class FakeOpenAI:
    model: str = "fake-model"
    port: int = 0  # 0: any free port
    scripts: deque[Script] = field(default_factory=deque)
    requests: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self._chat)
        self.app.get("/v1/models")(lambda: {"object": "list", "data": [{"id": self.model, "object": "model"}]})
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", self.port))
        self.port = self._socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        config = uvicorn.Config(self.app, log_level="critical", lifespan="off", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    # ---------------------------------------------------------------- control
    def start(self) -> FakeOpenAI:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def script(self, *scripts: Script) -> None:
        self.scripts.extend(scripts)

    def reset(self) -> None:
        self.scripts.clear()
        self.requests.clear()

    # ---------------------------------------------------------------- the endpoint
    async def _chat(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(Received(body, dict(request.headers)))
        script = self.scripts.popleft() if self.scripts else Script()
        text = script.text(body) if callable(script.text) else script.text
        text = default_reply(body) if text is None else text
        if script.hang and script.hang_after is None:
            await asyncio.sleep(script.hang)
        if script.status != 200:
            error = {"message": text or "scripted failure", "type": "server_error", "code": None}
            return JSONResponse({"error": error}, status_code=script.status)
        if body.get("stream"):
            return StreamingResponse(self._chunks(script, text), media_type="text/event-stream")
        if script.malformed:
            return Response(
                '{"id": "chatcmpl-fake", "object": "chat.completion", "choices": [{"mess', media_type="application/json"
            )
        message = {"role": "assistant", "content": text}
        return JSONResponse(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": self.model,
                "choices": [{"index": 0, "message": message, "finish_reason": script.finish_reason}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )

    async def _chunks(self, script: Script, text: str):
        pieces = [text[i : i + script.chunk] for i in range(0, len(text), script.chunk)]
        for i, piece in enumerate(pieces):
            if script.drop_after == i:
                raise ConnectionResetError("scripted drop")  # uvicorn aborts the chunked body mid-way
            if script.hang_after == i:
                await asyncio.sleep(script.hang)
            if script.malformed and i == len(pieces) // 2:
                yield 'data: {"choices": [{"delta": {"content": "坏\n\n'
            yield self._event(piece, None)
            await asyncio.sleep(0)
        yield self._event("", script.finish_reason)
        yield "data: [DONE]\n\n"

    def _event(self, content: str, finish_reason: str | None) -> str:
        delta = {"content": content} if content else {}
        chunk = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        }
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"


if __name__ == "__main__":
    with FakeOpenAI(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0) as server:
        print(f"ZHILI_LLM_BASE_URL={server.base_url} ZHILI_LLM_MODEL={server.model}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
