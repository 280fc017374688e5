"""The key bindings at the bottom of the screen: Textual's ``Footer``, rebuilt only when they change."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's footer rebuilds its keys (one widget each) whenever the screen says its bindings may have
    changed: at every focus change, and five times before the first frame of the explorer. This one
    remembers what it shows and skips a rebuild that would show the same keys."""

    def __init__(self) -> None:
        super().__init__()
        self._composed: tuple[Hashable, ...] | None = None

    def _keys(self) -> tuple[Hashable, ...]:
        """Everything the footer's look is made of: the keys shown, their state, and the footer's options."""
        shown = tuple((binding.key, binding.key_display, binding.description, binding.action, binding.group,
                       enabled, tooltip)
                      for _, binding, enabled, tooltip in self.screen.active_bindings.values() if binding.show)
        return shown, self.compact, self.show_command_palette, self.combine_groups

    def compose(self) -> ComposeResult:
        self._composed = self._keys() if self._bindings_ready else None
        yield from super().compose()

    async def recompose(self) -> None:
        if self._composed is not None and self.is_attached and self._keys() == self._composed:
            return
        await super().recompose()
