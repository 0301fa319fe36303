"""The shipped deployment files say what the README promises (issue #10, item 4).

Static checks that need no docker: the image runs as a non-root user, carries its own
database (built from the bundled data), listens beyond loopback inside the container and
has a health check; the compose file runs several read-only dashboard replicas and one
read-write staff server on one published folder; the proxy keeps each reader on one
replica by a cookie (never by client address) and keeps websockets open.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
COMPOSE = REPO / "deploy" / "compose.yaml"
HAPROXY = REPO / "deploy" / "haproxy.cfg"
HEALTH_PATH = "/_stcore/health"
STREAMLIT_PORT = "8501"


# --------------------------------------------------------------------------- readers
def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    logical, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            logical.append(current.strip())
            current = ""
    return [(words[0].upper(), words[1] if len(words) > 1 else "")
            for words in (entry.split(None, 1) for entry in logical)]


def compose_service_blocks(text: str) -> dict[str, str]:
    """Each service's text under `services:` (two-space indented keys), by name."""
    services = text.split("\nservices:\n", 1)[1]
    services = re.split(r"\n(?=\S)", services, maxsplit=1)[0]  # up to the next top-level key
    blocks = re.split(r"\n(?=  [A-Za-z0-9_-]+:\s*$)", "\n" + services, flags=re.M)
    named = {}
    for block in blocks:
        if match := re.match(r"\s*\n?  ([A-Za-z0-9_-]+):\s*\n", block + "\n"):
            named[match.group(1)] = block
    return named


def haproxy_sections(text: str) -> dict[str, list[list[str]]]:
    """'backend dashboards' -> its directives as word lists (comments dropped)."""
    sections: dict[str, list[list[str]]] = {}
    current = None
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if not line[0].isspace():
            current = " ".join(words)
            sections[current] = []
        elif current is not None:
            sections[current].append(words)
    return sections


def directives(section: list[list[str]], keyword: str) -> list[list[str]]:
    return [words for words in section if words[0] == keyword]


# --------------------------------------------------------------------------- Dockerfile
@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return dockerfile_instructions(DOCKERFILE.read_text())


def test_the_image_starts_from_python_3_11_slim(dockerfile):
    assert dockerfile[0] == ("FROM", "python:3.11-slim")


def test_the_server_runs_as_a_non_root_user(dockerfile):
    users = [args.split(":")[0] for name, args in dockerfile if name == "USER"]
    assert users, "no USER: the server would run as root"
    assert users[-1] not in ("root", "0")
    last_user = max(i for i, (name, _) in enumerate(dockerfile) if name == "USER")
    cmd = max(i for i, (name, _) in enumerate(dockerfile) if name in ("CMD", "ENTRYPOINT"))
    assert last_user < cmd
    creates_user = any(name == "RUN" and re.search(rf"useradd\b.*\b{re.escape(users[-1])}\b", args)
                       for name, args in dockerfile)
    assert creates_user, f"user {users[-1]!r} is never created"


def test_the_requirements_are_installed_before_the_code_is_copied(dockerfile):
    """Pinned requirements in their own layer: a code change does not reinstall them."""
    install = next(i for i, (name, args) in enumerate(dockerfile)
                   if name == "RUN" and "pip install -r requirements.txt" in args)
    copy_all = next(i for i, (name, args) in enumerate(dockerfile)
                    if name == "COPY" and args.split()[-2:] == [".", "."])
    assert install < copy_all


def test_the_database_is_built_in_the_image_as_the_runtime_user(dockerfile):
    builds = [i for i, (name, args) in enumerate(dockerfile) if name == "RUN" and "python -m etl" in args]
    assert builds, "the image does not build the database from the bundled data"
    users = [i for i, (name, _) in enumerate(dockerfile) if name == "USER"]
    copy_all = next(i for i, (name, args) in enumerate(dockerfile)
                    if name == "COPY" and args.split()[-2:] == [".", "."])
    assert copy_all < builds[0], "the ETL runs before the bundled data is in the image"
    assert users and users[-1] < builds[0], "the database would belong to root"
    db_in_env = " ".join(args for name, args in dockerfile if name == "ENV")
    built_at = re.search(r"python -m etl --db (\S+)", dockerfile[builds[0]][1]).group(1)
    assert f"MIRADOR_DB={built_at}" in db_in_env, "the server would not read the database built here"


def test_the_container_listens_beyond_loopback(dockerfile):
    env = " ".join(args for name, args in dockerfile if name == "ENV")
    assert "STREAMLIT_SERVER_ADDRESS=0.0.0.0" in env
    assert ("EXPOSE", STREAMLIT_PORT) in dockerfile


def test_the_image_checks_streamlit_health(dockerfile):
    checks = [args for name, args in dockerfile if name == "HEALTHCHECK"]
    assert len(checks) == 1
    assert f"127.0.0.1:{STREAMLIT_PORT}{HEALTH_PATH}" in checks[0]


def test_the_image_starts_the_dashboard_through_mirador_serve(dockerfile):
    command = [args for name, args in dockerfile if name == "CMD"][-1]
    assert "mirador.serve" in command


def test_the_build_context_leaves_out_local_databases_secrets_and_the_venv():
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv", ".git", "data/*.duckdb", ".streamlit/secrets.toml"} <= ignored


# --------------------------------------------------------------------------- compose
@pytest.fixture(scope="module")
def services() -> dict[str, str]:
    return compose_service_blocks(COMPOSE.read_text())


def published_mount(block: str) -> tuple[str, bool]:
    """(target, read_only) of the `published` volume in a service's text."""
    long_form = re.search(r"source: published\s+target: (\S+)\s+read_only: (true|false)", block)
    if long_form:
        return long_form.group(1), long_form.group(2) == "true"
    short = re.search(r"- published:(/\S+?)(:ro)?\s*$", block, flags=re.M)
    assert short, "the service does not mount the published folder"
    return short.group(1), bool(short.group(2))


def test_compose_runs_dashboards_staff_and_a_proxy(services):
    assert {"dashboard", "staff", "proxy"} <= set(services)


def test_more_than_one_dashboard_replica(services):
    replicas = re.search(r"^\s+replicas: (\d+)", services["dashboard"], flags=re.M)
    assert replicas and int(replicas.group(1)) > 1


def test_dashboards_mount_the_published_folder_read_only_and_staff_read_write(services):
    dash_target, dash_read_only = published_mount(services["dashboard"])
    staff_target, staff_read_only = published_mount(services["staff"])
    assert dash_read_only and not staff_read_only
    db = re.search(r"MIRADOR_DB: (\S+)", COMPOSE.read_text()).group(1)
    # One file seen by all: the database sits inside the shared folder (a folder mount, so a
    # publish's rename reaches every replica), at the same place in every container.
    assert Path(db).parent == Path(dash_target) == Path(staff_target)


def test_internal_recommendations_sit_where_only_the_staff_server_mounts(services):
    """The staff preview keeps internal records in MIRADOR_INTERNAL_DIR (mirador/staff/internal.py):
    a volume of the staff server alone, outside the published folder the readers mount."""
    staff = services["staff"]
    folder = re.search(r"MIRADOR_INTERNAL_DIR: (\S+)", staff)
    assert folder, "the staff server must name its internal folder"
    mount = re.search(r"source: (\S+)\s+target: " + re.escape(folder.group(1)) + r"\s", staff)
    assert mount and mount.group(1) != "published"
    assert mount.group(1) not in services["dashboard"] and folder.group(1) not in services["dashboard"]
    assert not Path(folder.group(1)).is_relative_to(Path(published_mount(staff)[0]))


def test_only_the_staff_server_has_a_password_and_one_replica(services):
    assert "MIRADOR_ADMIN_PASSWORD_HASH" not in services["dashboard"]
    assert "env_file" not in services["dashboard"]
    assert re.search(r"env_file:\s+- staff\.env", services["staff"])
    assert "replicas" not in services["staff"]
    assert "MIRADOR_ADMIN_PASSWORD_HASH=" in (COMPOSE.parent / "staff.env.example").read_text()


def test_the_proxy_uses_the_shipped_config_and_is_the_public_entry(services):
    proxy = services["proxy"]
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in proxy
    published = re.search(r'"\$\{MIRADOR_PORT:-(\d+)\}:(\d+)"', proxy)
    frontend_bind = directives(haproxy_sections(HAPROXY.read_text())["frontend readers"], "bind")
    assert published and frontend_bind == [["bind", f":{published.group(2)}"]]
    assert "ports:" not in services["dashboard"], "replicas must be reached through the proxy only"


# --------------------------------------------------------------------------- proxy
@pytest.fixture(scope="module")
def haproxy() -> dict[str, list[list[str]]]:
    return haproxy_sections(HAPROXY.read_text())


def test_sessions_stick_by_cookie_not_by_client_address(haproxy):
    backend = haproxy["backend dashboards"]
    cookies = directives(backend, "cookie")
    assert len(cookies) == 1 and cookies[0][2] == "insert"
    balance = directives(backend, "balance")
    assert balance and balance[0][1] not in ("source", "hdr", "uri"), balance
    if "dynamic" in cookies[0]:
        assert directives(backend, "dynamic-cookie-key")


def test_the_proxy_reaches_every_dashboard_replica_by_its_service_name(haproxy, services):
    servers = directives(haproxy["backend dashboards"], "server-template")
    assert len(servers) == 1
    _, _, count, address, *options = servers[0]
    assert address == f"dashboard:{STREAMLIT_PORT}"
    replicas = int(re.search(r"replicas: (\d+)", services["dashboard"]).group(1))
    assert int(count.split("-")[-1]) >= replicas
    resolver = options[options.index("resolvers") + 1]
    nameservers = directives(haproxy[f"resolvers {resolver}"], "nameserver")
    assert nameservers and nameservers[0][2] == "127.0.0.11:53"  # Docker's embedded DNS


def test_websockets_pass_and_stay_open(haproxy):
    defaults = haproxy["defaults"]
    assert ["mode", "http"] in defaults  # HTTP mode forwards the Upgrade handshake
    tunnel = directives(defaults, "timeout")
    assert any(words[1] == "tunnel" for words in tunnel), "idle websockets would be cut at 'timeout client'"


def test_the_proxy_health_checks_streamlit(haproxy):
    backend = haproxy["backend dashboards"]
    assert ["option", "httpchk", "GET", HEALTH_PATH] in backend


def test_compose_parses_as_yaml():
    yaml = pytest.importorskip("yaml", reason="PyYAML not installed: the full compose parse is not run")
    compose = yaml.safe_load(COMPOSE.read_text())
    dashboard = compose["services"]["dashboard"]
    assert dashboard["deploy"]["replicas"] > 1
    assert dashboard["volumes"][0]["read_only"] is True
    assert compose["services"]["staff"]["volumes"][0]["read_only"] is False
    assert dashboard["environment"]["MIRADOR_DB"].startswith(dashboard["volumes"][0]["target"] + "/")
