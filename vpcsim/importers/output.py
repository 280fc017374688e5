"""An imported topology as a YAML topology file that loads back to the same ``Topology`` (``vpcsim import``)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import yaml

from vpcsim.errors import VpcsimError
from vpcsim.load.loader import LoadedTopology

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "topology.schema.json"
FLOW_WIDTH = 100


class _Dumper(yaml.SafeDumper):
    """Small leaf mappings and lists of scalars on one line (``{cidr: 10.0.1.0/24, az: …}``), the rest in block
    style, as the hand-written topologies are laid out."""


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _flat(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_is_scalar(v) or (isinstance(v, list) and all(_is_scalar(x) for x in v)) for v in value.values())
    return isinstance(value, list) and all(_is_scalar(v) for v in value)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.Node:
    node = dumper.represent_mapping("tag:yaml.org,2002:map", data.items())
    node.flow_style = bool(data) and _flat(data) and len(repr(data)) <= FLOW_WIDTH
    return node


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    node = dumper.represent_sequence("tag:yaml.org,2002:seq", data)
    node.flow_style = not data or (_flat(data) and len(repr(data)) <= FLOW_WIDTH)
    return node


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def topology_yaml(loaded: LoadedTopology, output: str | Path | None = None, origin: str = "") -> str:
    """The topology as YAML: the schema line for editors, where it came from, then the data (defaults left out)."""
    data = loaded.topology.model_dump(mode="json", exclude_defaults=True)
    schema = str(SCHEMA_FILE)
    if output is not None:
        with contextlib.suppress(ValueError):        # another drive (Windows): keep the absolute path
            schema = os.path.relpath(SCHEMA_FILE, Path(output).resolve().parent)
    count = len(loaded.warnings)
    lines = [f"# yaml-language-server: $schema={schema}", "#"]
    if origin:
        lines.append(f"# Imported by `{origin}`; ids are the names.")
    lines.append(f"# {count} warning{'s' if count != 1 else ''} when imported"
                 f"{' (what is not modelled or was left out): see vpcsim validate' if count else ''}.")
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    return "\n".join(lines) + "\n\n" + body


def write_topology(loaded: LoadedTopology, output: str | Path | None, origin: str = "") -> str:
    """Write the YAML to ``output`` (or return it for standard output when ``output`` is None)."""
    text = topology_yaml(loaded, output, origin)
    if output is not None:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise VpcsimError(f"cannot write {output}: {error.strerror or error}") from None
    return text
