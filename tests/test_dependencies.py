"""Production installs requirements.lock alone, so it must hold no test or lint tool.

requirements-dev.lock starts with `-r requirements.lock` and pins only what the
dev dependency group adds; both must agree with the pins in pyproject.toml.
"""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROD_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"

TEST_TOOLS = {
    "pytest",
    "pytest-django",
    "playwright",
    "ruff",
    "hypothesis",
    "factory-boy",
    "axe-playwright-python",
    "djhtml",
}


def normalise(name):
    """PEP 503 form: factory_boy, Factory.Boy and factory-boy are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines):
    """{normalised name: version} from `name==version` lines."""
    found = {}
    for line in lines:
        name, sep, version = line.partition("==")
        assert sep, f"not an exact pin: {line!r}"
        found[normalise(name.strip())] = version.strip()
    return found


def lock_lines(path):
    return [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_normalise_treats_spellings_alike():
    assert normalise("factory_boy") == normalise("Factory-Boy") == "factory-boy"
    assert normalise("Django") == "django"


def test_production_lock_pins_every_line_exactly():
    # No -r or -e line can pull anything else into a production install.
    for line in lock_lines(PROD_LOCK):
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[^=\s;]+", line), line


def test_production_lock_holds_no_test_tool():
    production = pins(lock_lines(PROD_LOCK))
    assert production, "requirements.lock pins nothing"
    assert set(production) & {normalise(tool) for tool in TEST_TOOLS} == set()


def test_production_lock_holds_none_of_the_dev_lock():
    production = pins(lock_lines(PROD_LOCK))
    dev_only = pins(lock_lines(DEV_LOCK)[1:])
    assert set(production) & set(dev_only) == set()


def test_dev_lock_builds_on_the_production_lock():
    lines = lock_lines(DEV_LOCK)
    assert lines[0] == "-r requirements.lock"
    assert "-r" not in " ".join(lines[1:])


@pytest.mark.parametrize("requirement", pyproject()["project"]["dependencies"])
def test_each_dependency_is_pinned_alike_in_the_production_lock(requirement):
    name, sep, version = requirement.partition("==")
    assert sep, f"pyproject.toml should pin {requirement!r} exactly"
    assert pins(lock_lines(PROD_LOCK)).get(normalise(name)) == version


@pytest.mark.parametrize("requirement", pyproject()["dependency-groups"]["dev"])
def test_each_dev_dependency_is_pinned_alike_in_the_dev_lock(requirement):
    name, sep, version = requirement.partition("==")
    assert sep, f"pyproject.toml should pin {requirement!r} exactly"
    assert pins(lock_lines(DEV_LOCK)[1:]).get(normalise(name)) == version


def test_every_test_tool_is_in_the_dev_group():
    # Keeps TEST_TOOLS honest: each name it checks for is a real dev dependency.
    dev = {normalise(r.partition("==")[0]) for r in pyproject()["dependency-groups"]["dev"]}
    assert {normalise(tool) for tool in TEST_TOOLS} <= dev
