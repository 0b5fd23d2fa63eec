"""Every broken site file is rejected with the right file:line:column, in-process and by the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from plantwarden.errors import SiteModelError
from plantwarden.site import load_site

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INVALID = FIXTURES / "invalid"
EXPECTED: dict[str, list[str]] = yaml.safe_load((FIXTURES / "expected.yaml").read_text())
Run = subprocess.CompletedProcess[str]
CASES = sorted(p.stem for p in INVALID.glob("*.yaml"))


def expected(name: str) -> list[tuple[int, int, str]]:
    """``"41:19 message"`` entries as (line, column, message fragment)."""
    found = []
    for entry in EXPECTED[name]:
        at, fragment = entry.split(" ", 1)
        line, column = at.split(":")
        found.append((int(line), int(column), fragment))
    return found


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plantwarden", *args], capture_output=True, text=True, check=False
    )


def test_every_fixture_has_expectations_and_there_are_enough() -> None:
    assert set(CASES) == set(EXPECTED)
    assert len(CASES) >= 24


@pytest.mark.parametrize("name", CASES)
def test_fixture_is_rejected_at_the_expected_places(name: str) -> None:
    path = INVALID / f"{name}.yaml"
    with pytest.raises(SiteModelError) as info:
        load_site(path)
    problems = info.value.problems
    assert len(problems) == len(expected(name)), info.value.lines()
    for problem, (line, column, fragment) in zip(problems, expected(name), strict=True):
        assert problem.file == str(path)
        assert (problem.line, problem.column) == (line, column), str(problem)
        assert fragment in problem.message


@pytest.fixture(scope="module")
def cli_all() -> subprocess.CompletedProcess[str]:
    """One CLI run over every fixture (one process, so the suite stays fast)."""
    return run_cli("site", "validate", *(str(INVALID / f"{name}.yaml") for name in CASES))


def test_cli_exits_2_without_traceback(cli_all: subprocess.CompletedProcess[str]) -> None:
    assert cli_all.returncode == 2
    assert "Traceback" not in cli_all.stderr + cli_all.stdout
    assert cli_all.stdout == ""


@pytest.mark.parametrize("name", CASES)
def test_cli_prints_each_problem_as_file_line_column(cli_all: Run, name: str) -> None:
    path = str(INVALID / f"{name}.yaml")
    lines = [line for line in cli_all.stderr.splitlines() if f"{path}:" in line]
    assert len(lines) == len(expected(name))
    for line, (row, column, fragment) in zip(lines, expected(name), strict=True):
        assert line.startswith(f"plantwarden: error: {path}:{row}:{column}: ")
        assert fragment in line


@pytest.mark.parametrize("name", ["yaml_syntax", "several_problems"])
def test_cli_single_file_exits_2_with_one_line_per_problem(name: str) -> None:
    result = run_cli("site", "validate", str(INVALID / f"{name}.yaml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == len(expected(name))


def test_unreadable_file_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = run_cli("site", "validate", str(missing))
    assert result.returncode == 2
    reason = "cannot read the site file: No such file or directory"
    assert result.stderr.strip() == f"plantwarden: error: {missing}: {reason}"


def test_non_utf8_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("site: {name: Käserei}\n".encode("latin-1"))
    result = run_cli("site", "validate", str(path))
    assert result.returncode == 2
    assert f"{path}: not UTF-8 text" in result.stderr
