"""``vpcsim tui``: a Textual explorer of a compiled network, with traces drawn on it.

Only this package imports Textual, and only when ``run`` is called, so ``import vpcsim`` stays light.
The UI reads the compiled network and the engine's results; it decides nothing about packets itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vpcsim.api import Network


def run(network: Network, *, theme: str = "dark", baseline: Network | None = None) -> int:
    """Open the explorer on ``network`` in the terminal (compared with ``baseline``, the old version, when
    given); returns the exit status."""
    from vpcsim.tui.app import ExplorerApp

    ExplorerApp(network, theme=theme, baseline=baseline).run()
    return 0
