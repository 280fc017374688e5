"""Importers: real networks -> the same ``Topology`` a YAML file gives (DESIGN §1, §3).

``load_source`` is what every command reads a ``TOPO`` argument with: a folder is an AWS describe-* snapshot
(``aws.import_aws``), a JSON file that starts like ``terraform show -json`` output is a Terraform plan or state
(``terraform.import_terraform``); anything else is a topology file (``vpcsim.load.load_topology``). Each of them
answers ``--strict`` (``vpcsim.load.strict``): with it on, a topology that loads with warnings is refused.
"""

from __future__ import annotations

from pathlib import Path

from vpcsim.load import strict
from vpcsim.load.loader import LoadedTopology, load_topology


def load_source(path: str | Path) -> LoadedTopology:
    """Load ``path`` whatever it is: a folder of AWS describe-* JSON, a Terraform JSON file, or a YAML/JSON
    topology file."""
    from vpcsim.importers.terraform import is_terraform_file

    if Path(path).is_dir():
        return import_aws(path)
    if is_terraform_file(path):
        return import_terraform(path)
    loaded = load_topology(path)
    strict.check(loaded.warnings)
    return loaded


def import_aws(folder: str | Path) -> LoadedTopology:
    """A folder of ``aws ec2 describe-*`` outputs as a validated topology (see ``vpcsim.importers.aws``)."""
    from vpcsim.importers.aws import import_aws as run

    loaded = run(folder)
    strict.check(loaded.warnings)
    return loaded


def import_terraform(path: str | Path) -> LoadedTopology:
    """``terraform show -json`` output (a plan or a state) as a validated topology (see
    ``vpcsim.importers.terraform``)."""
    from vpcsim.importers.terraform import import_terraform as run

    loaded = run(path)
    strict.check(loaded.warnings)
    return loaded


__all__ = ["import_aws", "import_terraform", "load_source"]
