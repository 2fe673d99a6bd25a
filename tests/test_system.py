"""`seminar setup` when apt cannot do its work: one clear line, never a traceback."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from seminar import system


def _fake_apt_get(directory: Path, exit_code: int) -> Path:
    """An apt-get that records its arguments and fails as a held dpkg lock makes the real one fail."""
    calls = directory / "calls.txt"
    script = directory / "apt-get"
    script.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexit {exit_code}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return calls


@pytest.fixture
def missing_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    requirement = system.SystemRequirement("fonts-test-missing", "a test", str(tmp_path / "never-there"))
    monkeypatch.setattr(system, "REQUIREMENTS", [requirement])
    monkeypatch.setattr(system, "is_debian", lambda: True)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")


def test_a_held_package_lock_gives_one_line_saying_what_to_run(
    missing_package: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = _fake_apt_get(tmp_path, exit_code=100)

    assert system.ensure_system_packages() is False

    output = capsys.readouterr().out
    assert "Traceback" not in output
    last = output.strip().splitlines()[-1]
    assert "apt-get update" in last and "lock" in last
    assert "seminar setup" in last and "apt-get install fonts-test-missing" in last
    # apt waits for the lock instead of failing at once.
    assert "DPkg::Lock::Timeout=" in calls.read_text()


def test_apt_installs_after_waiting_for_the_lock(
    missing_package: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = _fake_apt_get(tmp_path, exit_code=0)

    system.ensure_system_packages()

    recorded = calls.read_text().splitlines()
    assert [line.split()[2] for line in recorded] == ["update", "install"]
    assert recorded[1].endswith("fonts-test-missing")


def test_apt_installs_without_recommends(missing_package: None, tmp_path: Path) -> None:
    """texlive-lang-chinese's recommends are ~900 MB of TeX Live the book never uses."""
    calls = _fake_apt_get(tmp_path, exit_code=0)

    system.ensure_system_packages()

    assert "--no-install-recommends" in calls.read_text().splitlines()[1].split()


def test_the_docker_image_installs_the_fonts_setup_installs() -> None:
    from seminar.config import PROJECT_ROOT

    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    for requirement in system.REQUIREMENTS:
        if requirement.debian_package.startswith(("fonts-", "texlive-")):
            assert f" {requirement.debian_package} " in dockerfile, requirement.debian_package
