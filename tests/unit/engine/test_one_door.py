"""The engine's speed tricks stay behind one door (``vpcsim/engine/events.py``).

The hot paths build ``Arrival`` and ``Context`` named tuples with ``tuple.__new__`` — by field position — because
it pays (about 0.26 µs against 0.66 µs a context). That is done in ``engine/events.py`` only: every other module
calls its named constructors or ``Context.but``, so no other module depends on the order of ``Context``'s
fields, and the enum members read once for speed are defined there once. Read with ``ast``; nothing is
imported to check it but ``Context`` itself, for its field count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import vpcsim
from vpcsim.engine.events import Context

PACKAGE = Path(vpcsim.__file__).parent
DOOR = PACKAGE / "engine" / "events.py"
READ_ONCE_ENUMS = {"At", "Decision", "ComponentKind", "EniKind", "TargetKind", "Direction", "Side", "EnteredVia",
                   "Ending", "EndKind"}
"""The enums whose members the handlers read on every hop: aliased (``NAME = Enum.MEMBER``) in the door only."""
OWN_KIND = {"KIND", "TABLE"}
"""A component module's own kind(s) (``KIND = ComponentKind.ENI``): a constant of the module, not an alias."""


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != DOOR:
            yield path, ast.parse(path.read_text(), str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', 0)}"


def _named(node: ast.AST, name: str) -> bool:
    """``name`` or ``something.name``."""
    return (isinstance(node, ast.Name) and node.id == name) or (isinstance(node, ast.Attribute) and node.attr == name)


def _context_names(tree: ast.Module) -> set[str]:
    """What the engine's ``Context`` is called in a module (other modules have classes of that name)."""
    names = {alias.asname or alias.name for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and node.module == "vpcsim.engine.events"
             for alias in node.names if alias.name == "Context"}
    uses_module = any(isinstance(node, ast.ImportFrom) and node.module == "vpcsim.engine"
                      and any(alias.name == "events" for alias in node.names) for node in ast.walk(tree))
    return names | ({"Context"} if uses_module else set())


def _aliases(node: ast.Assign) -> list[str]:
    """The names ``NAME = Enum.MEMBER`` or ``A, B = Enum.X, Enum.Y`` binds to members of the read-once enums."""
    def member(value: ast.AST) -> bool:
        return isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) \
            and value.value.id in READ_ONCE_ENUMS

    found: list[str] = []
    for target in node.targets:
        if isinstance(target, ast.Name) and member(node.value):
            found.append(target.id)
        elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
            found += [t.id for t, v in zip(target.elts, node.value.elts, strict=False)
                      if isinstance(t, ast.Name) and member(v)]
    return [name for name in found if name not in OWN_KIND]


def _raw_constructors() -> set[str]:
    """The door's own names for ``tuple.__new__``."""
    return {target.id for node in ast.parse(DOOR.read_text()).body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Attribute) and node.value.attr == "__new__" and _named(node.value.value,
                                                                                                 "tuple")
            for target in node.targets if isinstance(target, ast.Name)}


def test_no_tuple_new_outside_the_door() -> None:
    raw = _raw_constructors()
    found = [_where(path, node) for path, tree in _sources() for node in ast.walk(tree)
             if (isinstance(node, ast.Attribute) and node.attr == "__new__" and _named(node.value, "tuple"))
             or (isinstance(node, ast.ImportFrom) and node.module == "vpcsim.engine.events"
                 and any(alias.name in raw for alias in node.names))]
    assert not found, "tuple.__new__ outside engine/events.py (use its named constructors):\n" + "\n".join(found)


def test_no_positional_context_outside_the_door() -> None:
    found = [_where(path, node) for path, tree in _sources() if (names := _context_names(tree))
             for node in ast.walk(tree)
             if isinstance(node, ast.Call) and any(_named(node.func, name) for name in names) and (
                 node.args or any(keyword.arg is None for keyword in node.keywords))]
    assert not found, "Context(...) built by position outside engine/events.py (name the fields, use " \
                      "Context.but or a named constructor):\n" + "\n".join(found)


def test_no_context_unpacked_by_position_outside_the_door() -> None:
    """Twelve names on the left of an assignment is a ``Context`` taken apart by field order."""
    fields = len(Context._fields)
    found = [_where(path, node) for path, tree in _sources() if _context_names(tree) for node in ast.walk(tree)
             if isinstance(node, ast.Assign | ast.For) and any(
                 isinstance(target, ast.Tuple | ast.List) and len(target.elts) == fields
                 for target in (node.targets if isinstance(node, ast.Assign) else [node.target]))]
    assert not found, "a Context unpacked by position outside engine/events.py:\n" + "\n".join(found)


def test_enum_members_are_read_once_in_the_door_only() -> None:
    """No other engine module keeps its own block of ``_NAME = Enum.MEMBER`` aliases."""
    found: list[str] = []
    for path, tree in _sources():
        if PACKAGE / "engine" not in path.parents:
            continue
        found += [f"{_where(path, node)} {', '.join(names)}" for node in tree.body
                  if isinstance(node, ast.Assign) and (names := _aliases(node))]
    assert not found, "enum members aliased outside engine/events.py (import them from there):\n" + "\n".join(found)


def test_the_door_offers_what_the_other_modules_use() -> None:
    """The checks above would pass vacuously if the door were empty."""
    text = DOOR.read_text()
    assert "tuple.__new__" in text and "def arrive(" in text and "def forward_context(" in text
