"""The project stands on its own: every file it refers to is inside it, and its comments explain
the code rather than the history of its development."""

import io
import re
import subprocess
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", "node_modules"}
TEXT_SUFFIXES = {".py", ".md", ".json", ".actiondef", ".def", ".toml", ".html", ".js", ".css", ".txt"}


def project_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        if SKIPPED & set(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix in TEXT_SUFFIXES or path.name in ("Makefile", "run"):
            found.append(path)
    return sorted(found)


FILES = project_files()
PYTHON = [path for path in FILES if path.suffix == ".py"]
_DOC_REFERENCE = re.compile(r"\bdocs/[\w./-]*[\w/]")
_OUTSIDE = re.compile(r"\.\./shared|\bshared/(?:docs|tools)\b")
_PROCESS = re.compile(r"\b(?:issue|task|ticket)\s*#?\d+", re.IGNORECASE)


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_walk_sees_the_project():
    names = {rel(path) for path in FILES}
    assert {"README.md", "Makefile", ".ci/run", "docs/package-format.md", "Managers/ActionRunner.py"} <= names


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_every_docs_reference_exists(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    # "docs/images/widget-*.png" names a set of files: the part before the wildcard must match some.
    missing = sorted({ref for ref in _DOC_REFERENCE.findall(text)
                      if not (ROOT / ref).exists() and not list(ROOT.glob(ref + "*"))})
    assert missing == []


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_no_reference_leaves_the_project(path):
    assert _OUTSIDE.findall(path.read_text(encoding="utf-8", errors="replace")) == []


def comments_and_docstrings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comment and every string that stands alone as a statement."""
    found, previous = [], tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found.append((token.start[0], token.string))
        elif token.type == tokenize.STRING and previous in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT,
                                                            tokenize.DEDENT):
            found.append((token.start[0], token.string))
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    return found


@pytest.mark.parametrize("path", PYTHON, ids=rel)
def test_comments_explain_the_code_not_its_history(path):
    words = [f"line {line}: {text.strip()[:80]}" for line, text in comments_and_docstrings(path.read_text(encoding="utf-8"))
             if _PROCESS.search(text)]
    assert words == []


@pytest.mark.parametrize("path", PYTHON, ids=rel)
def test_every_module_opens_with_a_heading(path):
    source = path.read_text(encoding="utf-8")
    first = re.sub(r"^(#![^\n]*\n)?", "", source).lstrip()
    assert first.startswith('"""') and first[3:].split("\n", 1)[0].strip(), "a one-line docstring heading says what it is"


def test_the_comment_scan_finds_comments_and_docstrings_only():
    source = '"""Doc, issue 3."""\nx = "issue 4"  # from task 5\n\ndef f():\n    """Issue 6."""\n'
    assert [text for _, text in comments_and_docstrings(source) if _PROCESS.search(text)] == [
        '"""Doc, issue 3."""', "# from task 5", '"""Issue 6."""']


def test_no_environment_or_build_output_is_tracked():
    # A tracked .venv (a worktree's link to the shared environment) replaces the main checkout's
    # environment when merged: git treats the ignored directory as expendable.
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\n")
    generated = [path for path in tracked if path.split("/")[0] in {".venv", "build", "dist", ".pytest_cache"}
                 or "__pycache__" in path]
    assert generated == []
