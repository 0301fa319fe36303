"""The dashboard listens on this machine only unless told otherwise (issue #12).

Started the way the README says (`python -m mirador.serve`, no address given), the server
must answer on the loopback address and refuse a connection on the machine's network
address. The documented way to open it to a room network (`STREAMLIT_SERVER_ADDRESS=0.0.0.0`,
also what the Docker image sets) must make that same network address answer: the control
that shows the first check can see a listening server at all.
"""
from __future__ import annotations

import socket
import urllib.request

import pytest

from devtools.browser import REPO_ROOT, start_streamlit


def network_address() -> str | None:
    """This machine's address on its default route (not loopback), or None without one.

    A UDP `connect` sends nothing; it only makes the kernel choose the outgoing interface.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def answers_health(host: str, port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/_stcore/health", timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def lan_address() -> str:
    address = network_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to probe")
    return address


def test_the_run_command_listens_on_loopback_only(bundled_db, tmp_path, lan_address):
    server = start_streamlit(REPO_ROOT / "dashboard.py", env={"MIRADOR_DB": str(bundled_db)},
                             log_dir=tmp_path, address=None)
    try:
        port = int(server.url.rsplit(":", 1)[1])
        assert answers_health("127.0.0.1", port)
        assert not answers_health(lan_address, port), (
            f"the dashboard answers on {lan_address}: it listens beyond this machine by default")
    finally:
        server.stop()


def test_the_documented_switch_opens_it_to_the_network(bundled_db, tmp_path, lan_address):
    server = start_streamlit(REPO_ROOT / "dashboard.py",
                             env={"MIRADOR_DB": str(bundled_db), "STREAMLIT_SERVER_ADDRESS": "0.0.0.0"},
                             log_dir=tmp_path, address=None)
    try:
        port = int(server.url.rsplit(":", 1)[1])
        assert answers_health(lan_address, port)
    finally:
        server.stop()
