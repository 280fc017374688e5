"""Render the explorer's stored SVG screenshots (tests/tui/snapshots/) as the PNGs the README shows.

    python docs/tui_screenshots.py            # needs rsvg-convert (apt-get install librsvg2-bin)

The SVGs are what the snapshot tests compare; regenerate them first with
``VPCSIM_UPDATE_SNAPSHOTS=1 python -m pytest tests/tui/test_tui_snapshots.py`` when the look changes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "tests" / "tui" / "snapshots"
SHOTS = {"trace-120x40": "tui-trace.png", "map-hub-spoke-160x44": "tui-map.png"}


def for_rsvg(svg: str) -> str:
    """librsvg drops leading no-break spaces and lacks Fira Code: keep spaces, use a local monospace font."""
    svg = svg.replace("&#160;", " ").replace('<svg class="rich-terminal"', '<svg xml:space="preserve" '
                                                                          'class="rich-terminal"', 1)
    return re.sub(r"font-family: Fira Code, monospace;", "font-family: DejaVu Sans Mono, monospace;", svg)


def main() -> int:
    if shutil.which("rsvg-convert") is None:
        print("rsvg-convert is missing: apt-get install librsvg2-bin", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for name, png in SHOTS.items():
            source = Path(tmp) / f"{name}.svg"
            source.write_text(for_rsvg((SNAPSHOTS / f"{name}.svg").read_text()))
            subprocess.run(["rsvg-convert", "-w", "1400", str(source), "-o", str(ROOT / "docs" / png)], check=True)
            print(f"docs/{png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
