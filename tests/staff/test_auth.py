"""The staff password: salted scrypt hash, constant-time compare, growing delay, CLI."""
from __future__ import annotations

import hmac
import subprocess
import sys

import pytest

from mirador.staff import auth

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def no_failures_carried_over():
    auth.reset_failures()
    yield
    auth.reset_failures()


def test_hash_verifies_the_right_password_only():
    stored = auth.hash_password(PASSWORD)
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    assert auth.verify_password(PASSWORD, stored)
    assert not auth.verify_password(PASSWORD + " ", stored)
    assert not auth.verify_password("", stored)


def test_two_hashes_of_one_password_differ_by_their_salt():
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first != second
    assert auth.verify_password(PASSWORD, first) and auth.verify_password(PASSWORD, second)


@pytest.mark.parametrize("stored", ["", "plain-text-password", "pbkdf2$1$2$3$AA==$AA==",
                                    "scrypt$16384$8$1$not base64$AA==", "scrypt$x$8$1$AA==$AA=="])
def test_a_malformed_stored_hash_never_matches(stored):
    assert not auth.verify_password("plain-text-password", stored)


def test_the_comparison_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    stored = auth.hash_password(PASSWORD)
    assert not auth.verify_password("wrong password", stored)
    assert auth.verify_password(PASSWORD, stored)
    assert len(calls) == 2 and all(isinstance(a, bytes) and len(a) == auth.KEY_BYTES for a, _ in calls)


def test_each_failed_sign_in_waits_longer_and_a_success_resets():
    stored = auth.hash_password(PASSWORD)
    waits = []
    for _ in range(4):
        assert not auth.sign_in("guess", stored, sleep=waits.append)
    assert waits == sorted(waits) and waits[0] > 0 and waits[-1] > waits[0]
    assert auth.sign_in(PASSWORD, stored, sleep=waits.append)
    assert len(waits) == 4  # the right password is not delayed
    assert not auth.sign_in("guess", stored, sleep=waits.append)
    assert waits[-1] == waits[0]  # counting starts again after a success
    assert auth.delay_after(100) == auth.MAX_DELAY_S


def test_no_configured_hash_means_no_staff_page(monkeypatch):
    monkeypatch.delenv(auth.HASH_ENV, raising=False)
    assert auth.configured_hash() is None and not auth.staff_page_enabled()
    assert not auth.sign_in(PASSWORD, None, sleep=lambda s: None)  # nothing to sign in to
    monkeypatch.setenv(auth.HASH_ENV, auth.hash_password(PASSWORD))
    assert auth.staff_page_enabled()
    assert auth.sign_in(PASSWORD, sleep=lambda s: None)


def test_cli_prints_a_hash_that_verifies():
    out = subprocess.run([sys.executable, "-m", "mirador.staff.auth", "hash"], input=PASSWORD + "\n",
                         capture_output=True, text=True, check=True).stdout.strip()
    assert auth.verify_password(PASSWORD, out)
    short = subprocess.run([sys.executable, "-m", "mirador.staff.auth", "hash"], input="short\n",
                           capture_output=True, text=True)
    assert short.returncode == 1 and short.stdout == ""
