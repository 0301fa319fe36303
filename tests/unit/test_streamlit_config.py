"""`.streamlit/config.toml` and the benchmarks' server options name options Streamlit has.

Streamlit ignores an option it does not know (a typo, or a hidden option such as
`runner.postScriptGC` renamed in an upgrade) without an error: the setting would silently
stop applying. These tests read the installed Streamlit's own option table.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit import config

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_TOML = REPO_ROOT / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def streamlit_options() -> dict:
    return config.get_config_options()


def configured_options() -> list[str]:
    settings = tomllib.loads(CONFIG_TOML.read_text(encoding="utf-8"))
    return [f"{section}.{key}" for section, values in settings.items() for key in values]


@pytest.mark.parametrize("option", configured_options())
def test_every_configured_option_is_one_streamlit_knows(option, streamlit_options):
    assert option in streamlit_options, f"{option} in config.toml is not a Streamlit option"


def test_viewers_benchmark_switches_post_script_gc_through_its_environment_name(streamlit_options):
    # benchmarks/viewers_benchmark.py --post-script-gc sets this variable for its servers.
    source = (REPO_ROOT / "benchmarks" / "viewers_benchmark.py").read_text(encoding="utf-8")
    env_name = streamlit_options["runner.postScriptGC"].env_var
    assert env_name == "STREAMLIT_RUNNER_POST_SCRIPT_GC"
    assert f'env["{env_name}"]' in source
