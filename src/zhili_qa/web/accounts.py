"""Staff accounts and the server's secret.

Accounts live in a text file (``ZHILI_STAFF_ACCOUNTS``, default ``<data_dir>/staff-accounts``), one
``NAME:HASH`` per line, the hash an argon2id hash made by ``zhili-qa staff add NAME``; the file holds no
password. The secret (``ZHILI_SECRET_KEY``, else made once into ``<data_dir>/secret-key``) signs session
cookies and answer ids and keys the hash that stands for a client in the question log. Replicas must share it.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..config import Settings
from ..errors import UserInputError

log = logging.getLogger(__name__)

NAME = re.compile(r"^[\w.@-]{1,64}$")  # letters (Chinese too), digits and ._@-, no ':' or spaces
SECRET_FILE = "secret-key"
MIN_PASSWORD = 10
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone's")  # an unknown name costs as much as a wrong password


def load_accounts(path: Path) -> dict[str, str]:
    """name -> argon2 hash; a missing file means no accounts, a bad line is logged and skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    except OSError:
        log.exception("cannot read the staff accounts file %s", path)
        return {}
    accounts = {}
    for number, line in enumerate(lines, 1):
        name, _, hashed = line.strip().partition(":")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not NAME.match(name) or not hashed.startswith("$argon2"):
            log.error("%s line %d is not NAME:ARGON2-HASH; skipped", path, number)
            continue
        accounts[name] = hashed
    return accounts


def verify(accounts: dict[str, str], name: str, password: str) -> bool:
    try:
        return _hasher.verify(accounts.get(name, _DUMMY_HASH), password) and name in accounts
    except (VerificationError, InvalidHashError):
        return False


def set_account(path: Path, name: str, password: str) -> None:
    """Add ``name`` or replace its password hash, keeping the other lines; the file is readable by its owner only."""
    if not NAME.match(name):
        raise UserInputError("账号名只能由字母、汉字、数字和 . _ @ - 组成，最长64个字符。")
    if len(password) < MIN_PASSWORD:
        raise UserInputError(f"密码至少{MIN_PASSWORD}个字符。")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    kept = [line for line in lines if line.partition(":")[0].strip() != name]
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(path, "\n".join([*kept, f"{name}:{_hasher.hash(password)}"]) + "\n")


def remove_account(path: Path, name: str) -> bool:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return False
    kept = [line for line in lines if line.partition(":")[0].strip() != name]
    if len(kept) == len(lines):
        return False
    _write_private(path, "".join(line + "\n" for line in kept))
    return True


def secret_key(settings: Settings) -> bytes:
    """ZHILI_SECRET_KEY, else the one kept in data_dir (made on first use), else a per-process one (logged:
    sessions and answer ids then last only as long as the process)."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.data_dir / SECRET_FILE
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            draft = path.with_name(f".{SECRET_FILE}.{os.getpid()}")
            _write_private(draft, secrets.token_urlsafe(48))
            try:
                os.link(draft, path)  # whole or not at all: two processes starting at once agree on the first
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        return path.read_text(encoding="ascii").strip().encode()
    except OSError:
        log.error("cannot keep a secret key in %s: using one for this process only (set ZHILI_SECRET_KEY)", path)
        return secrets.token_urlsafe(48).encode()


def _write_private(path: Path, text: str) -> None:
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        handle.write(text)
