"""The explorer's dispatch tables cover their vocabularies: every kind of shape the map places has a painter,
and every kind of component the tree names has a details builder."""

from __future__ import annotations

from typing import get_args

from vpcsim.tui.details import BUILDERS
from vpcsim.tui.map_paint import PAINTERS
from vpcsim.tui.map_place import Shape
from vpcsim.tui.refs import NOUNS


def test_every_placed_shape_has_a_painter() -> None:
    assert set(PAINTERS) == set(get_args(Shape))


def test_every_kind_of_component_has_a_details_builder() -> None:
    assert set(BUILDERS) == set(NOUNS)
