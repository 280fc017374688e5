"""Every place a packet can arrive has its handler, and every handler says which rules it applies."""

from __future__ import annotations

import re

from vpcsim.engine.events import At
from vpcsim.engine.simulate import HANDLERS


def test_every_arrival_kind_has_a_handler_and_no_kind_is_dead() -> None:
    assert set(HANDLERS) == set(At)


def test_every_handler_names_its_rules_in_one_line() -> None:
    for at, handler in HANDLERS.items():
        doc = handler.__doc__ or ""
        assert len(doc.strip().splitlines()) == 1, f"{at}: {handler.__qualname__} needs a one-line docstring"
        assert re.search(r"\bR\d+\.\d+", doc), f"{at}: {handler.__qualname__}'s docstring names no rule (R§.n)"
