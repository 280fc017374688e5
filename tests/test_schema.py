"""The published JSON Schema matches the models, and every reference topology validates against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from reference import reference_topologies

from vpcsim.cli import main
from vpcsim.schema import topology_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "vpcsim" / "data" / "topology.schema.json"


def test_published_schema_file_is_current() -> None:
    assert json.loads(SCHEMA_FILE.read_text()) == topology_schema(), \
        "regenerate with: vpcsim schema > vpcsim/data/topology.schema.json"


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == topology_schema()


@pytest.mark.parametrize("path", reference_topologies(), ids=lambda p: p.name)
def test_reference_topology_validates_against_the_schema(path: Path) -> None:
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../vpcsim/data/topology.schema.json")
    jsonschema.validate(yaml.safe_load(text), topology_schema())


def test_schema_knows_public_ip_none_and_the_metadata_options() -> None:
    instance = topology_schema()["$defs"]["Instance"]["properties"]
    assert "none" in instance["public_ip"]["anyOf"][0]["description"]
    options = topology_schema()["$defs"]["MetadataOptions"]["properties"]
    assert (options["http_endpoint"]["enum"], options["http_endpoint"]["default"]) == (["enabled", "disabled"],
                                                                                      "enabled")
    assert (options["http_protocol_ipv6"]["enum"], options["http_protocol_ipv6"]["default"]) == \
        (["enabled", "disabled"], "disabled")
    assert options["http_tokens"]["anyOf"][0]["enum"] == ["optional", "required"]
    good = {"vpcs": {"v": {"cidr": "10.0.0.0/16", "instances": {"i": {
        "subnet": "s", "public_ip": "none", "nitro": False,
        "metadata": {"http_endpoint": "disabled", "http_protocol_ipv6": "enabled", "http_tokens": "required"}}}}}}
    jsonschema.validate(good, topology_schema())
    good["vpcs"]["v"]["instances"]["i"]["metadata"] = {"http_endpoint": "off"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(good, topology_schema())
