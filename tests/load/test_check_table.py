"""The table of checks is complete and each check says which rule it enforces.

A check written in ``vpcsim/load/checks/`` but missing from ``CHECKS`` would never run, and nothing else would
notice; a check whose docstring names no rule cannot be traced back to aws-semantics.md.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

from vpcsim.load import checks
from vpcsim.load.checks import routes
from vpcsim.load.validate import CHECKS

RULE = re.compile(r"R\d+\.\d+|DESIGN §\d+")


def every_check_function() -> set[str]:
    """Every ``check_*(ctx)`` of the checks package, by qualified name (helpers take more than ``ctx``)."""
    found = set()
    for info in pkgutil.iter_modules(checks.__path__):
        module = importlib.import_module(f"{checks.__name__}.{info.name}")
        found |= {f"{module.__name__}.{name}" for name, fn in inspect.getmembers(module, inspect.isfunction)
                  if name.startswith("check_") and fn.__module__ == module.__name__
                  and list(inspect.signature(fn).parameters) == ["ctx"]}
    return found


def test_every_check_is_in_the_table_once() -> None:
    listed = [f"{fn.__module__}.{fn.__name__}" for fn in CHECKS]
    assert len(listed) == len(set(listed))
    assert set(listed) == every_check_function()


@pytest.mark.parametrize("rule", [*CHECKS, *routes.EVERY_ROUTE, *routes.CIDR_ROUTES], ids=lambda fn: fn.__name__)
def test_each_check_names_the_rule_it_enforces(rule: object) -> None:
    assert RULE.search(inspect.getdoc(rule) or ""), f"{rule} names no rule (R§.n) in its docstring"
