"""Staff login: every staff route (``/staff``, its Gradio routes, ``/api/gaps``) needs a session.

A session is a random token kept (hashed) in storage, so every replica knows it and logging out ends it
everywhere; the cookie carries the token signed with the server's secret, HttpOnly, SameSite=Lax, Secure
when the public address is HTTPS. Cross-site request forgery is stopped by checking Origin (or Referer)
on every staff POST and by a signed token in the login form. Failed logins are limited per client and per
account name. With no account configured the staff pages answer only clients on this machine and say how
to add one.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from ..config import Settings
from ..storage import Storage
from .accounts import load_accounts, verify
from .assets import PAGE_CSS
from .proxy import is_loopback
from .security import ClientLimits, client_key
from .templating import render

SESSION_COOKIE = "zq_staff"
CSRF_COOKIE = "zq_login"
PROTECTED = re.compile(r"^/(?:staff(?:/.*)?|api/gaps)$")
OPEN_PATHS = ("/staff/login", "/staff/logout")
LOGIN_CSRF_SECONDS = 3600
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
NEED_LOGIN = "请先登录热线工作台。"
BAD_ORIGIN = "请求来源不符，请从本站页面操作。"
LOCAL_ONLY = "热线工作台尚未设置账号，只对本机开放。"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffAuth:
    """Accounts (re-read when their file changes), sessions in storage, the login pages and the gate."""

    def __init__(self, settings: Settings, storage: Storage, limits: ClientLimits, secret: bytes) -> None:
        self.settings = settings
        self.storage = storage
        self.limits = limits
        self.sessions = URLSafeTimedSerializer(secret, salt="staff-session")
        self.csrf = URLSafeTimedSerializer(secret, salt="staff-login-form")
        self._accounts: tuple[float, dict[str, str]] = (-1.0, {})

    @property
    def accounts(self) -> dict[str, str]:
        path: Path = self.settings.accounts_file
        try:
            mtime = path.stat().st_mtime
        except OSError:
            mtime = 0.0
        if mtime != self._accounts[0]:
            self._accounts = (mtime, load_accounts(path))
        return self._accounts[1]

    def staff_name(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            token = self.sessions.loads(cookie, max_age=self.settings.session_hours * 3600)
        except BadSignature:
            return None
        name = self.storage.session(_digest(token))
        return name if name in self.accounts else None  # a removed account's sessions end with it

    def origin_ok(self, request_origin: str | None, referer: str | None, own_origin: str) -> bool:
        """A browser names the page a POST comes from; another site's page is refused (CSRF)."""
        if request_origin:
            return request_origin == own_origin
        if referer:
            parts = urlsplit(referer)
            return f"{parts.scheme}://{parts.netloc}" == own_origin
        return True  # not a browser: it has no ambient cookies to abuse

    def own_origin(self, scheme: str, host: str) -> str:
        if self.settings.public_url:
            parts = urlsplit(self.settings.public_url)
            return f"{parts.scheme}://{parts.netloc}"
        return f"{scheme}://{host}"

    # ---------------------------------------------------------------- login pages
    def page(self, template: str, status: int = 200, **values) -> HTMLResponse:
        html = render(template, css=Markup(PAGE_CSS), **values)
        return HTMLResponse(html, status, headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store"})

    def login_form(
        self, request: Request, *, error: str = "", next_path: str = "/staff/", status: int = 200
    ) -> HTMLResponse:
        token = secrets.token_urlsafe(24)
        response = self.page(
            "login.html", status, error=error, next=next_path, csrf=self.csrf.dumps(token), accounts=bool(self.accounts)
        )
        response.set_cookie(
            CSRF_COOKIE, token, max_age=LOGIN_CSRF_SECONDS, **self.cookie_flags(request, "/staff/login")
        )
        return response

    def cookie_flags(self, request: Request, path: str = "/") -> dict:
        """Secure when the public address is HTTPS or a trusted proxy says the request came over HTTPS."""
        secure = self.settings.https or request.url.scheme == "https"
        return {"path": path, "httponly": True, "samesite": "lax", "secure": secure}

    def start_session(self, request: Request, name: str, next_path: str) -> Response:
        token = secrets.token_urlsafe(32)
        hours = self.settings.session_hours
        if not self.storage.add_session(_digest(token), name, time.time() + hours * 3600):
            return self.page("message.html", 503, title="暂时无法登录", message="登录服务暂时不可用，请稍后再试。")
        response = RedirectResponse(next_path, status_code=303)
        response.set_cookie(
            SESSION_COOKIE, self.sessions.dumps(token), max_age=int(hours * 3600), **self.cookie_flags(request)
        )
        response.delete_cookie(CSRF_COOKIE, path="/staff/login")
        return response

    def end_session(self, cookie: str | None) -> None:
        try:
            token = self.sessions.loads(cookie or "")
        except BadSignature:
            return
        self.storage.end_session(_digest(token))

    def csrf_ok(self, form_token: str, cookie_token: str | None) -> bool:
        try:
            signed = self.csrf.loads(form_token, max_age=LOGIN_CSRF_SECONDS)
        except BadSignature:
            return False
        return bool(cookie_token) and secrets.compare_digest(signed, cookie_token)


def safe_next(value: str | None) -> str:
    """Only a staff page of this site to go back to after logging in."""
    value = value or ""
    return value if PROTECTED.match(urlsplit(value).path or "-") and value.startswith("/staff") else "/staff/"


def create_login(auth: StaffAuth) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/staff/login")
    def login_page(request: Request, next: str = "/staff/") -> Response:
        return auth.login_form(request, next_path=safe_next(next))

    @router.post("/staff/login")
    async def login(request: Request) -> Response:
        # The whole body first (the body cap stops it at max_body_bytes, a 413): the form parser's own field
        # limit, met part-way through a long chunked body, would otherwise answer 400 or 413 by the timing.
        await request.body()
        form = await request.form(max_files=0, max_fields=8, max_part_size=4096)
        # argon2 and the session write take their time: not on the event loop
        return await run_in_threadpool(attempt, request, {k: str(v) for k, v in form.items()})

    def attempt(request: Request, form: dict[str, str]) -> Response:
        name, password = form.get("name", "").strip(), form.get("password", "")
        next_path = safe_next(form.get("next", ""))
        if not auth.csrf_ok(form.get("csrf", ""), request.cookies.get(CSRF_COOKIE)):
            return auth.login_form(request, error="页面已过期，请重新输入账号和密码。", next_path=next_path, status=403)
        client = client_key(request.scope)
        if auth.limits.over("login", client) or auth.limits.over("login", f"name:{name}"):
            return auth.login_form(request, error="登录失败次数太多，请一小时后再试。", next_path=next_path, status=429)
        if not verify(auth.accounts, name, password):
            auth.limits.hit("login", client)
            auth.limits.hit("login", f"name:{name}")
            return auth.login_form(request, error="账号或密码不正确。", next_path=next_path, status=401)
        return auth.start_session(request, name, next_path)

    @router.post("/staff/logout")
    def logout(request: Request) -> Response:
        auth.end_session(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/staff/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router


class StaffGate:
    """ASGI middleware in front of the staff routes (the Gradio app's included)."""

    def __init__(self, app, *, auth: StaffAuth) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or not (PROTECTED.match(path) or path in OPEN_PATHS):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        response = await run_in_threadpool(self.check, request, path)  # reads the session from storage
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    def check(self, request: Request, path: str) -> Response | None:
        """None to let the request through, else the response that refuses it."""
        own = self.auth.own_origin(request.url.scheme, request.headers.get("host", ""))
        if request.method == "POST" and not self.auth.origin_ok(
            request.headers.get("origin"), request.headers.get("referer"), own
        ):
            return JSONResponse({"detail": BAD_ORIGIN}, 403)
        if path in OPEN_PATHS:
            return None
        if not self.auth.accounts:
            if is_loopback(request.scope):
                return None
            return self.refuse(path, 403, LOCAL_ONLY)
        if self.auth.staff_name(request.cookies.get(SESSION_COOKIE)) is not None:
            return None
        if request.method == "GET" and path in ("/staff", "/staff/"):
            wanted = path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/staff/login?" + urlencode({"next": wanted}), status_code=303)
        return self.refuse(path, 401, NEED_LOGIN)

    def refuse(self, path: str, status: int, detail: str) -> Response:
        if path.startswith("/staff") and "/gradio_api/" not in path and status == 403:
            return self.auth.page("message.html", status, title="热线工作台", message=detail, how_to_add=True)
        return JSONResponse({"detail": detail}, status)
