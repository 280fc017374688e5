"""The reference topologies in topologies/ (their intents files live beside them and are not topologies)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOPOLOGIES = ROOT / "topologies"


def reference_topologies() -> list[Path]:
    return sorted(p for p in TOPOLOGIES.glob("*.yaml") if not p.name.endswith(".intents.yaml"))
