"""The examples in the simulator's docstrings run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "shopfront.simulate",
    "shopfront.simulate.config",
    "shopfront.simulate.sampling",
    "shopfront.simulate.simulator",
    "shopfront.simulate.responder",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_public_names_exist() -> None:
    simulate = importlib.import_module("shopfront.simulate")
    assert len(set(simulate.__all__)) == len(simulate.__all__)
    assert all(hasattr(simulate, name) for name in simulate.__all__)
