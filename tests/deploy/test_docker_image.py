"""Build the image, run it, and ask Streamlit's health endpoint (issue #10, item 4).

Needs a running docker daemon; where `docker info` fails the test is skipped and says so.
The build downloads the base image and packages unless they are cached: slow the first time.
"""
from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEALTH_PATH = "/_stcore/health"


def docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


pytestmark = pytest.mark.skipif(not docker_available(),
                                reason="docker daemon not available (`docker info` failed): image not built or run")


def docker(*args: str, timeout: float = 60) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"docker {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout.strip()


def health(url: str) -> tuple[int, str] | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status, response.read().decode()
    except OSError:
        return None


@pytest.fixture(scope="module")
def image() -> str:
    tag = f"mirador-test:{uuid.uuid4().hex[:8]}"
    docker("build", "--tag", tag, str(REPO), timeout=1800)
    yield tag
    subprocess.run(["docker", "image", "rm", "--force", tag], capture_output=True, timeout=120)


@pytest.fixture
def container(image):
    name = f"mirador-test-{uuid.uuid4().hex[:8]}"
    docker("run", "--detach", "--name", name, "--publish", "127.0.0.1::8501", image)
    yield name
    subprocess.run(["docker", "rm", "--force", name], capture_output=True, timeout=60)


def test_the_image_serves_a_healthy_dashboard_as_a_non_root_user(container):
    host_port = docker("port", container, "8501/tcp").splitlines()[0].rsplit(":", 1)[1]
    url = f"http://127.0.0.1:{host_port}{HEALTH_PATH}"
    answer = None
    deadline = time.monotonic() + 120
    while answer is None and time.monotonic() < deadline:
        answer = health(url)
        if answer is None:
            time.sleep(1)
    logs = subprocess.run(["docker", "logs", container], capture_output=True, text=True).stdout
    assert answer == (200, "ok"), f"no healthy answer at {url}; container log:\n{logs[-3000:]}"
    assert docker("exec", container, "id", "-u") != "0"
    # The database was built into the image: the server did not have to build it on start.
    assert docker("exec", container, "python", "-c",
                  "import os; print(os.path.getsize(os.environ['MIRADOR_DB']) > 0)") == "True"
