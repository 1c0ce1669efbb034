"""The examples in the feedback modules' docstrings run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "shopfront.feedback.stats",
    "shopfront.feedback.order_probability",
    "shopfront.feedback.bandit",
    "shopfront.feedback.experiments",
    "shopfront.feedback.impressions",
    "shopfront.feedback.online",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
