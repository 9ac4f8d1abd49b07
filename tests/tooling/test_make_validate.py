"""`make validate` without Google's mp: one sentence that says what is missing and how to get it,
before anything is built (and so before anything could touch .venv)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAKEFILE = ROOT / "Makefile"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


def missing_mp(mpvenv) -> str:
    return (f"error: mp's Python was not found at {mpvenv} (no {mpvenv}/bin/python that can import mp); "
            f"install it once with 'python3.11 -m venv {mpvenv} && {mpvenv}/bin/pip install <the mp wheel, or the "
            "packages/mp folder of a content-hub clone>' (see docs/development.md), or set MPVENV to the "
            "virtualenv that holds it.")


def make(*arguments, cwd):
    """The Makefile run from `cwd`; PYTHON points nowhere, so a recipe that would make .venv fails at once."""
    return subprocess.run(["make", "-s", "--no-print-directory", "-f", str(MAKEFILE), *arguments,
                           "PYTHON=/nonexistent/python3.11"],
                          cwd=cwd, capture_output=True, text=True, timeout=60)


def fake_venv(folder: Path, exit_code: int) -> Path:
    """A virtualenv whose python answers `import mp` with this exit code."""
    (folder / "bin").mkdir(parents=True)
    python = folder / "bin" / "python"
    python.write_text(f"#!/bin/sh\nexit {exit_code}\n")
    python.chmod(0o755)
    return folder


def test_check_mp_says_in_one_sentence_what_is_missing_and_how_to_install_it(tmp_path):
    mpvenv = tmp_path / "nowhere"
    result = make("check-mp", f"MPVENV={mpvenv}", cwd=tmp_path)
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == missing_mp(mpvenv)


def test_a_python_without_mp_is_told_the_same(tmp_path):
    mpvenv = fake_venv(tmp_path / "empty", exit_code=1)
    result = make("check-mp", f"MPVENV={mpvenv}", cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == missing_mp(mpvenv)


def test_a_python_with_mp_passes_the_check_silently(tmp_path):
    result = make("check-mp", f"MPVENV={fake_venv(tmp_path / 'mp', exit_code=0)}", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_validate_checks_mp_before_building_anything(tmp_path):
    """Run in an empty folder: had any prerequisite run before check-mp, it would have left
    something there (.venv, Widgets/, dist/) or failed on the missing PYTHON instead."""
    mpvenv = tmp_path / "nowhere"
    work = tmp_path / "work"
    work.mkdir()
    result = make("validate", f"MPVENV={mpvenv}", cwd=work)
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == missing_mp(mpvenv)
    assert os.listdir(work) == []


def test_validate_lists_check_mp_first_and_builds_its_prerequisites_in_order():
    makefile = MAKEFILE.read_text(encoding="utf-8")
    assert re.search(r"^validate: check-mp package$", makefile, re.MULTILINE)
    assert re.search(r"^\.NOTPARALLEL: validate$", makefile, re.MULTILINE)
