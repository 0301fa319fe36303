"""The staff password: stored only as a salted scrypt hash, checked in constant time,
with a growing delay after each failed attempt.

Configure it with the environment variable MIRADOR_ADMIN_PASSWORD_HASH or the key
`admin_password_hash` in `.streamlit/secrets.toml`. Without either, the staff page does
not exist. Make a hash with:

    .venv/bin/python -m mirador.staff.auth hash      # asks for the password twice

The hash reads `scrypt$<n>$<r>$<p>$<salt, base64>$<key, base64>`.
"""
from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import os
import secrets
import sys
import threading
import time

HASH_ENV = "MIRADOR_ADMIN_PASSWORD_HASH"
SECRETS_KEY = "admin_password_hash"
SCHEME = "scrypt"
# ~16 MiB of memory and ~50 ms per check: cheap for one sign-in, costly for a guessing run.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
KEY_BYTES, SALT_BYTES = 32, 16
FIRST_DELAY_S, MAX_DELAY_S = 1.0, 30.0  # after failure k the answer waits min(1 * 2^(k-1), 30) s

_failures = 0  # per server process: a guesser cannot reset it by opening a new session
_failures_lock = threading.Lock()


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join((SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(key)))


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches `stored`; a malformed `stored` never matches."""
    try:
        scheme, n, r, p, salt, key = stored.strip().split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(key, validate=True)
        candidate = _derive(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    # Constant time: how many leading bytes match must not show in how long the answer takes.
    return hmac.compare_digest(candidate, expected)


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=128 * r * n * p * 2, dklen=KEY_BYTES)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def configured_hash() -> str | None:
    """The stored hash from the environment or Streamlit secrets; None = no staff page."""
    from_env = os.environ.get(HASH_ENV, "").strip()
    if from_env:
        return from_env
    try:
        import streamlit as st

        value = st.secrets.get(SECRETS_KEY)
    except Exception:  # no secrets.toml at all: Streamlit raises rather than return nothing
        return None
    return str(value).strip() if value else None


def staff_page_enabled() -> bool:
    return configured_hash() is not None


def delay_after(failures: int) -> float:
    """Seconds to wait before answering, after `failures` failed attempts in a row."""
    return 0.0 if failures <= 0 else min(FIRST_DELAY_S * 2 ** (failures - 1), MAX_DELAY_S)


def sign_in(password: str, stored: str | None = None, sleep=time.sleep) -> bool:
    """Check a sign-in attempt; a wrong one waits longer each time before it is refused."""
    stored = stored if stored is not None else configured_hash()
    global _failures
    if stored and password and verify_password(password, stored):
        with _failures_lock:
            _failures = 0
        return True
    with _failures_lock:
        _failures += 1
        wait = delay_after(_failures)
    sleep(wait)
    return False


def reset_failures() -> None:
    """For tests."""
    global _failures
    with _failures_lock:
        _failures = 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["hash"]:
        print("usage: python -m mirador.staff.auth hash   (prints the hash to put in "
              f"{HASH_ENV} or .streamlit/secrets.toml as {SECRETS_KEY})", file=sys.stderr)
        return 2
    if sys.stdin.isatty():
        password = getpass.getpass("Staff password: ")
        if getpass.getpass("Again: ") != password:
            print("The two passwords differ; nothing printed.", file=sys.stderr)
            return 1
    else:  # piped in (scripts, tests): the first line
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 10:
        print("Use at least 10 characters.", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
