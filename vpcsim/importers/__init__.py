"""Importers: real networks -> the same ``Topology`` a YAML file gives (DESIGN §1, §3).

``load_source`` is what every command reads a ``TOPO`` argument with: a folder is an AWS describe-* snapshot
(``import_aws``), a JSON file that starts like ``terraform show -json`` output is a Terraform plan or state
(``import_terraform``); anything else is a topology file (``vpcsim.load.load_topology``). Each of them
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
    """A folder of ``aws ec2 describe-*`` outputs as a validated topology: read and dispatched by top-level key
    (``vpcsim.importers.aws``), mapped onto the schema (``aws_build``), then settled (``settle``).

    Raises ``TopologyError`` when the folder holds no JSON at all, when a file is not valid JSON, or when the
    mapped topology fails validation in a way no repair can fix.
    """
    from vpcsim.importers.aws import read_folder
    from vpcsim.importers.aws_build import build
    from vpcsim.importers.settle import settle

    root = Path(folder)
    snap = read_folder(root)
    out = build(snap, root)
    loaded = settle(out.data, out.positions(), snap.warnings, str(root))
    strict.check(loaded.warnings)
    return loaded


def import_terraform(path: str | Path) -> LoadedTopology:
    """``terraform show -json`` output (a plan or a state) as a validated topology (see
    ``vpcsim.importers.terraform``, mapped by ``terraform_build``).

    Raises ``TopologyError`` when the file is not valid JSON, is not Terraform's JSON output, or maps onto a
    topology that no repair can make valid.
    """
    from vpcsim.importers.settle import settle
    from vpcsim.importers.terraform import read_plan
    from vpcsim.importers.terraform_build import build

    plan = read_plan(Path(path))
    out = build(plan)
    loaded = settle(out.data, out.positions(), plan.warnings, str(path))
    strict.check(loaded.warnings)
    return loaded


__all__ = ["import_aws", "import_terraform", "load_source"]
