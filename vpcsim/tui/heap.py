"""When the explorer lets Python's cycle collector run: between key presses, not during them.

``vpcsim.load()`` freezes the compiled network out of the collector's sight (``gc.freeze``). What the
collector still walks is the explorer's own heap: Textual's widgets, styles and line caches, which it
turns over quickly and partly as reference cycles (tens of thousands of objects per key press). Left to
itself, the collector ran a full pass every few key presses, and each held the screen 50-170 ms on 2 busy
cores, in the middle of whatever key caused it.

So the explorer runs the collector itself: not at all while the first screen is built (everything made
then lives as long as the app; it is collected once and frozen too, when the screen is up), then a full
pass only when the app has been quiet for ``IDLE_S`` (no key, no click, no worker running, and the event
loop free: a tick that comes late means it was busy). While it is not quiet, a pass over the young
generations only (what the collector would have done itself, a few milliseconds) whenever ``BACKLOG``
container objects have piled up, so memory stays bounded during a long burst of typing or a long
computation in a worker. (Measured with the all-pairs matrix running for a minute on the 100-VPC network:
blocks of at most ~50 ms, and the same memory as with full passes every 10 s, which held the screen up to
0.5 s each: what grows there is the matrix's own data, not garbage.)
"""

from __future__ import annotations

import gc
import time

IDLE_S = 0.5
TICK_S = 0.1             # how often the app calls ``tick``
LATE_S = 0.025           # a tick this late means the event loop was busy
BACKLOG = 50_000         # new container objects that call for a young pass even when the app is not quiet
MIN_WORTH = 2_000        # fewer new objects than this since the last pass: nothing worth a full pass


class Heap:
    """``hold()`` before the first screen is built; ``settle()`` once it is up; ``touched()`` at every key
    or click; ``tick()`` often (a timer); ``release()`` when the app ends."""

    def __init__(self) -> None:
        self._was_enabled: bool | None = None
        self.settled = False
        self.passes = 0
        self._last_input = self._last_tick = time.monotonic()

    def hold(self) -> None:
        """Take the collector over: no automatic passes from now until ``release``."""
        if self._was_enabled is None:
            self._was_enabled = gc.isenabled()
            gc.disable()

    def settle(self) -> None:
        """The first screen is up: collect its start-up garbage (at the next quiet moment) and freeze the rest."""
        self.settled = True

    def touched(self) -> None:
        self._last_input = time.monotonic()

    def tick(self, busy: bool = False) -> None:
        """A full pass if the app has been left alone for a moment and there is something to collect; a
        young pass if the backlog has grown too long to wait for a quiet moment. ``busy``: a worker is
        running (someone waits for it, and may type meanwhile)."""
        now = time.monotonic()
        if busy or now - self._last_tick > TICK_S + LATE_S:
            self._last_input = now          # something is going on
        self._last_tick = now
        if self._was_enabled is None or not self.settled:
            return
        young, *older = gc.get_count()          # new objects; young passes since the last older one
        quiet = now - self._last_input >= IDLE_S
        if quiet and (young >= MIN_WORTH or any(older)):
            gc.collect()
            if self.passes == 0:
                gc.freeze()       # the app's own long-lived objects: later passes skip them
            self.passes += 1
        elif young >= BACKLOG:
            gc.collect(1)

    def release(self) -> None:
        """The app is closing: the collector runs by itself again (what was frozen stays frozen: unfreezing
        would make the next pass walk the whole network)."""
        if self._was_enabled:
            gc.enable()
        self._was_enabled = None
