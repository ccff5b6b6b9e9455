"""The dependency locks pin every dependency pyproject.toml names (docs/operations.md)."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def normalised(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def names(requirements):
    return {normalised(re.match(r"[A-Za-z0-9._-]+", req).group()) for req in requirements}


def pinned(lock):
    text = (ROOT / "requirements" / lock).read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9._-]+)==(\S+) \\", text, re.M))
    return {normalised(name): version for name, version in pins.items()}, text


@pytest.mark.parametrize(("lock", "extras"), [("lock.txt", []), ("lock-test.txt", ["test"])])
def test_every_dependency_is_pinned_with_hashes(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = names(project["dependencies"])
    for extra in extras:
        wanted |= names(project["optional-dependencies"][extra])

    pins, text = pinned(lock)

    assert wanted - set(pins) == set()
    assert text.count("==") == len(pins)  # nothing pinned without its hashes
    # No paths of this machine's package mirrors.
    assert "--extra-index-url" not in text
    assert "--find-links" not in text


def test_the_test_lock_agrees_with_the_portal_lock():
    portal, _ = pinned("lock.txt")
    with_tests, _ = pinned("lock-test.txt")
    assert {name: with_tests.get(name) for name in portal} == portal
