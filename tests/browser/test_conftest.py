"""The browser fixtures themselves: CI fails without chromium, and Django's async guard comes back
once the browser tests are over."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.browser import conftest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("ci", ["true", "1"])
def test_a_missing_chromium_fails_in_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception):
        conftest.browser_missing("no chromium")


@pytest.mark.parametrize("ci", [None, "", "false"])
def test_a_missing_chromium_skips_on_a_developer_machine(monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception):
        conftest.browser_missing("no chromium")


PLUGIN = """
import json, os

def pytest_runtest_call(item):
    with open(os.environ["SEEN_FILE"], "a") as seen:
        seen.write(json.dumps([item.nodeid, os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")]) + "\\n")
"""


def test_async_unsafe_is_allowed_only_while_the_browser_runs(tmp_path):
    if not conftest.CHROMIUM.exists():
        conftest.browser_missing("Debian chromium not installed at /usr/bin/chromium")
    (tmp_path / "seen_plugin.py").write_text(PLUGIN)
    seen = tmp_path / "seen.jsonl"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
        "SEEN_FILE": str(seen),
        # A PostgreSQL run must not share (and drop) this session's test database.
        "GENEBANK_TEST_DATABASE_NAME": f"test_fixture_scope_{uuid.uuid4().hex[:12]}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "seen_plugin",
            "tests/browser/test_login_page.py",
            "tests/core/test_pages_offline.py::test_a_missing_static_file_is_not_found",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    runs = [json.loads(line) for line in seen.read_text().splitlines()]
    browser = [value for nodeid, value in runs if nodeid.startswith("tests/browser/")]
    after = [value for nodeid, value in runs if not nodeid.startswith("tests/browser/")]
    assert browser and set(browser) == {"true"}
    assert after == [None]
