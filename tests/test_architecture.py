"""The pipeline's arrows (docs/architecture.md), enforced: each stage looks only downstream, no module takes part
in an import cycle (at module level or inside a function), no package reaches into another's ``_private``
names, the engine's speed tricks stay behind their one door, and ``import vpcsim`` is cheap.

The import graph is read with ``ast`` from the source, so nothing is imported to check it. An import under
``if TYPE_CHECKING:`` counts as well: a type that must be named upstream is a sign the arrow points the wrong
way, and the cost of letting it through is a cycle that appears the day someone needs the name at run time.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx
import pytest

import vpcsim

PACKAGE = Path(vpcsim.__file__).parent

# The layers, from the most upstream (inputs) to the most downstream (what the user sees). A package may import
# its own layer and the layers *before* it in this list — never one after it. Where two packages share a layer,
# neither may import the other unless ALSO_ALLOWED says so. The base (errors, ip, protocols, suggestions) is
# below everything and imports nothing of vpcsim but itself.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("vpcsim.errors", "vpcsim.ip", "vpcsim.protocols", "vpcsim.suggestions"),
    ("vpcsim.model",),
    ("vpcsim.load",),
    ("vpcsim.importers",),
    ("vpcsim.compile",),
    ("vpcsim.dns",),
    ("vpcsim.engine",),
    ("vpcsim.flowlogs",),
    ("vpcsim.analysis",),
    ("vpcsim.schema", "vpcsim.cache", "vpcsim.api"),
    ("vpcsim",),
    ("vpcsim.render",),
    ("vpcsim.tui",),
    ("vpcsim.cli", "vpcsim.__main__"),
)

# Same-layer arrows that are allowed (importer → importer's own layer is always allowed).
ALSO_ALLOWED: dict[str, tuple[str, ...]] = {
    "vpcsim.errors": (),
    "vpcsim.api": ("vpcsim.cache",),
    "vpcsim.__main__": ("vpcsim.cli",),
    "vpcsim.cli": ("vpcsim.api", "vpcsim.cache", "vpcsim.schema"),
}

# Downstream packages that a stage may still *not* import although they sit after it: the engine never asks an
# analysis, the cache never reaches the API.
NEVER: dict[str, tuple[str, ...]] = {
    "vpcsim.cache": ("vpcsim.api",),
}


@dataclass(frozen=True)
class Import:
    """One import statement: who imports what, whether inside a function, and which names it takes."""

    module: str
    target: str
    line: int
    names: tuple[str, ...]
    local: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    is_package = modules()[module].name == "__init__.py"
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join([*base, node.module] if node.module else base)


def _function_local(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for child in ast.walk(node):
                if isinstance(child, ast.Import | ast.ImportFrom):
                    inside.add(id(child))
    return inside


@cache
def imports() -> tuple[Import, ...]:
    """Every import of a vpcsim module by a vpcsim module. ``from a.b import c`` where ``a.b.c`` is a module
    is an import of ``a.b.c``."""
    found: list[Import] = []
    known = modules()
    for module, path in known.items():
        tree = ast.parse(path.read_text(), str(path))
        local = _function_local(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = _resolve(module, node)
                if not target.startswith("vpcsim"):
                    continue
                plain = tuple(alias.name for alias in node.names if f"{target}.{alias.name}" not in known)
                if plain:
                    found.append(Import(module, target, node.lineno, plain, id(node) in local))
                for alias in node.names:
                    if f"{target}.{alias.name}" in known:
                        found.append(Import(module, f"{target}.{alias.name}", node.lineno, (), id(node) in local))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("vpcsim"):
                        found.append(Import(module, alias.name, node.lineno, (), id(node) in local))
    return tuple(found)


def package_of(module: str) -> str:
    """The unit the layers speak of: a top-level module (``vpcsim.api``) or a subpackage (``vpcsim.engine``)."""
    parts = module.split(".")
    if len(parts) == 1:
        return module
    candidate = ".".join(parts[:2])
    return candidate


def layer_of(package: str) -> int:
    for index, members in enumerate(LAYERS):
        if package in members:
            return index
    raise AssertionError(f"{package} is in no layer of tests/test_architecture.py: add it where it belongs")


def test_every_package_has_a_layer() -> None:
    for module in modules():
        layer_of(package_of(module))


def arrow_allowed(source: str, target: str) -> bool:
    if source == target:
        return True
    if target in NEVER.get(source, ()):
        return False
    if target in ALSO_ALLOWED.get(source, ()):
        return True
    return layer_of(target) < layer_of(source)


@pytest.mark.parametrize("package", sorted({package_of(m) for m in modules()}))
def test_package_never_imports_upstream(package: str) -> None:
    wrong = [f"{i.module}:{i.line} imports {i.target}" for i in imports()
             if package_of(i.module) == package and not arrow_allowed(package, package_of(i.target))]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles() -> None:
    """Modules, counting imports inside functions and under TYPE_CHECKING: no strongly connected component
    with more than one module."""
    graph = nx.DiGraph()
    graph.add_nodes_from(modules())
    for i in imports():
        if i.target in modules() and i.target != i.module:
            graph.add_edge(i.module, i.target)
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    described = []
    for component in cycles:
        sub = graph.subgraph(component)
        edges = [f"{i.module}:{i.line} -> {i.target}" for i in imports()
                 if sub.has_edge(i.module, i.target)]
        described.append(" | ".join(edges))
    assert not cycles, "import cycles:\n" + "\n".join(described)


def _attribute_uses(tree: ast.AST) -> Iterator[tuple[str, str, int]]:
    """``alias._name`` where ``alias`` is bound by ``from vpcsim.x import module`` or ``import vpcsim.x``."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("vpcsim"):
            for alias in node.names:
                if f"{node.module}.{alias.name}" in modules():
                    bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("vpcsim") and alias.asname:
                    bound[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            yield bound[node.value.id], node.attr, node.lineno


def test_no_package_uses_another_packages_private_names() -> None:
    wrong: list[str] = []
    for i in imports():
        if package_of(i.module) == package_of(i.target):
            continue
        private = [n for n in i.names if n.startswith("_") and not n.startswith("__")]
        if private or any(part.startswith("_") and not part.startswith("__") for part in i.target.split(".")):
            wrong.append(f"{i.module}:{i.line} imports {', '.join(private) or i.target} from {i.target}")
    for module, path in modules().items():
        for target, name, line in _attribute_uses(ast.parse(path.read_text())):
            if package_of(target) != package_of(module):
                wrong.append(f"{module}:{line} uses {target}.{name}")
    assert not wrong, "\n".join(wrong)


def test_import_vpcsim_does_not_load_scapy_textual_or_networkx() -> None:
    code = "import sys, vpcsim; print(sorted(m for m in ('scapy', 'textual', 'networkx') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_names_are_exported_and_documented() -> None:
    for name in vpcsim.__all__:
        obj = getattr(vpcsim, name)
        assert obj.__doc__, f"vpcsim.{name} has no docstring"
    assert sorted(vpcsim.__all__) == vpcsim.__all__
