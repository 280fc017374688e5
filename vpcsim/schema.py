"""The JSON Schema of topology files, for editors (``# yaml-language-server: $schema=…``)."""

from __future__ import annotations

from typing import Any

from vpcsim.model import Topology

SCHEMA_ID = "https://vpcsim.dev/schema/topology.schema.json"


def topology_schema() -> dict[str, Any]:
    schema = Topology.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "vpcsim topology"
    return schema
