"""Every disposition has a look wherever one is shown: the text renderer's style, the matrix's letter and
legend, the TUI's glyph, legend and colour class. A new disposition without them would print as a KeyError
or as an unexplained mark."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpcsim.engine.results import Disposition
from vpcsim.render import matrix as matrix_render
from vpcsim.render.styles import DISPOSITION_STYLES
from vpcsim.tui import review

TCSS = (Path(__file__).resolve().parents[2] / "vpcsim" / "tui" / "app.tcss").read_text()


@pytest.mark.parametrize("disposition", list(Disposition), ids=str)
def test_every_disposition_renders_in_text_matrix_and_tui(disposition: Disposition) -> None:
    words = disposition.value.lower().replace("_", " ")
    assert disposition.value in DISPOSITION_STYLES
    letter = matrix_render.LETTERS[disposition.value]
    glyph = review.GLYPHS.get(disposition.value)
    if disposition is Disposition.NAME_NOT_RESOLVED:   # a matrix asks no DNS names: marked, never drawn in a grid
        assert letter not in matrix_render.LEGEND.split() and glyph is not None
    else:
        assert f"{letter} {words}" in matrix_render.LEGEND or disposition is Disposition.ACCEPTED \
            or disposition is Disposition.EXITS_NETWORK
        if disposition is not Disposition.DENIED:      # DENIED shows which filter (sg, acl, pol)
            assert glyph is not None and glyph in review.LEGEND
    assert f".-{disposition.value.lower().replace('_', '-')}" in TCSS


def test_reply_mismatch_has_its_own_marks() -> None:
    assert matrix_render.LETTERS["REPLY_MISMATCH"] == "m" and "m reply mismatch" in matrix_render.LEGEND
    assert review.GLYPHS["REPLY_MISMATCH"] == "rm" and "rm reply mismatch" in review.LEGEND
    assert not Disposition.REPLY_MISMATCH.reachable
