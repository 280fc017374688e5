"""Safe YAML reading that keeps every value's position (DESIGN §7: PyYAML's C composer + our own walk).

The walk also does what PyYAML does not: it rejects duplicate keys, and it bounds the number of values
an alias can expand to, so alias bombs ("billion laughs") end at once in a diagnostic instead of eating
the machine. The bound is computed on the composed node graph (each shared node counted once), before
anything is expanded.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

import yaml

from vpcsim.errors import Diagnostic, SourcePos, TopologyError
from vpcsim.load.positions import Path, Positions

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_DEPTH = 64
MAX_BRACKETS = 1000      # libyaml's composer recurses in C: guard it before it can overflow the stack
MAX_INDENT = 5000

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALARS = yaml.SafeLoader("")

_STD = "tag:yaml.org,2002:"
_PLAIN_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")}
_TEXT_TAGS = {f"{_STD}timestamp", f"{_STD}binary"}
_MERGE = f"{_STD}merge"
_STR = f"{_STD}str"
_MAP = f"{_STD}map"
_SEQ = f"{_STD}seq"
_NULL = f"{_STD}null"

# Plain scalars built without ``construct_object``: it caches every node it sees in ``constructed_objects``,
# which on a shared constructor keeps every scalar of every file ever read alive (and costs a dict insert).
_FAST_SCALARS: dict[str, Callable[[yaml.ScalarNode], Any]] = {
    f"{_STD}str": lambda node: node.value,
    f"{_STD}int": _SCALARS.construct_yaml_int,
    f"{_STD}float": _SCALARS.construct_yaml_float,
    f"{_STD}bool": _SCALARS.construct_yaml_bool,
    f"{_STD}null": _SCALARS.construct_yaml_null,
}


def _construct(node: yaml.ScalarNode) -> Any:
    fast = _FAST_SCALARS.get(node.tag)
    if fast is not None:
        return fast(node)
    try:
        return _SCALARS.construct_object(node, deep=True)
    finally:
        _SCALARS.constructed_objects.clear()
        _SCALARS.recursive_objects.clear()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Composing and walking a large file creates hundreds of thousands of containers and no garbage
    cycles; the cyclic collector's repeated full passes over them made reading ~4x slower (M-size file)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _pos(file: str, mark: Any) -> SourcePos:
    return SourcePos(file, mark.line + 1, mark.column + 1)


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


class _TooBig(Exception):
    def __init__(self, pos: SourcePos, message: str, hint: str) -> None:
        self.pos, self.message, self.hint = pos, message, hint


_BRACKETS = re.compile(r"[\[\]{}]")
_DEEP_INDENT = re.compile(rf"^ {{{MAX_INDENT},}}", re.MULTILINE)


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_INNERMOST = re.compile(rb"[\[{][\]}]")


def _check_nesting(name: str, text: str) -> None:
    """Refuse absurdly nested text before libyaml sees it (its C composer recurses and can crash).

    Fast bound first, in C: keep only the brackets and strip innermost pairs, one level per pass. A real
    topology is a few levels deep; only when the bound is not settled quickly is the exact scan run.
    """
    brackets = text.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    for depth in range(16):
        if len(brackets) + depth <= MAX_BRACKETS:
            return
        stripped = _INNERMOST.sub(b"", brackets)
        if stripped == brackets:          # no pairs left: what remains is ']]]…[[[', unclosed openers last
            if depth + len(brackets) - len(brackets.rstrip(b"[{")) <= MAX_BRACKETS:
                return
            break
        brackets = stripped
    depth = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_BRACKETS:
                raise _TooBig(_offset_pos(name, text, match.start()), "the document is nested deeper than 64 "
                              "levels", "a topology needs far fewer levels; check for runaway brackets")
        elif depth:
            depth -= 1
    deep = _DEEP_INDENT.search(text)
    if deep is not None:
        raise _TooBig(_offset_pos(name, text, deep.start()), "a line is indented by more than "
                      f"{MAX_INDENT:,} spaces", "a topology needs far fewer levels; check the indentation")


def _offset_pos(name: str, text: str, offset: int) -> SourcePos:
    line_start = text.rfind("\n", 0, offset) + 1
    return SourcePos(name, text.count("\n", 0, offset) + 1, offset - line_start + 1)


def _check_expansion(file: str, root: yaml.Node) -> None:
    """Raise ``_TooBig`` if the document expands to more than MAX_NODES values or an alias contains itself.

    Sizes are computed once per node object (aliases share nodes), iteratively, so neither a bomb nor a
    deeply nested file costs more than its own length here.
    """
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            total = 1
            for child in _children(node):
                total += size[id(child)]
            if total > MAX_NODES:
                raise _TooBig(_pos(file, node.start_mark),
                              "the document is too large: this value expands to more than 2,000,000 values",
                              "YAML aliases (*name) are expanding exponentially; write the values out")
            size[key] = total
            continue
        if key in size:
            continue
        if key in on_path:
            raise _TooBig(_pos(file, node.start_mark), "a YAML alias refers to a value that contains it",
                          "an anchor (&name) cannot be used inside its own value")
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise _TooBig(_pos(file, node.start_mark), "a YAML alias refers to a value that contains it",
                              "an anchor (&name) cannot be used inside its own value")
            if id(child) not in size:
                stack.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class _Walk:
    def __init__(self, file: str, text: str = "") -> None:
        self.file = file
        self.text = text
        self._lines: list[str] | None = None
        self.positions = Positions(default=SourcePos(file, 1, 1))
        self.problems: list[Diagnostic] = []

    def value(self, node: yaml.Node, path: Path) -> Any:
        if len(path) > MAX_DEPTH:
            raise _TooBig(_pos(self.file, node.start_mark), "the document is nested deeper than 64 levels",
                          "a topology needs far fewer levels; check for runaway brackets or indentation")
        mark = node.start_mark
        tag = node.tag
        if tag == _NULL and not node.value:          # an empty value: libyaml marks it past the line's end
            self.positions.values[path] = self.empty_pos(mark)
        else:
            self.positions.values[path] = SourcePos(self.file, mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.ScalarNode):        # most values: skip the container checks below
            fast = _FAST_SCALARS.get(tag)
            if fast is not None:
                return fast(node)
        if tag not in _PLAIN_TAGS and tag not in _TEXT_TAGS:
            self.problems.append(Diagnostic(_pos(self.file, node.start_mark),
                                            f"unsupported YAML tag {_tag_name(node.tag)!r}",
                                            hint="vpcsim reads plain YAML values; remove the tag"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag in _TEXT_TAGS:
            return str(node.value)
        assert isinstance(node, yaml.ScalarNode)
        return _construct(node)

    def empty_pos(self, mark: Any) -> SourcePos:
        """Where an empty value is: at the '-' or ':' before it, on its line."""
        if self._lines is None:
            self._lines = self.text.splitlines()
        line = self._lines[mark.line] if mark.line < len(self._lines) else ""
        col = min(mark.column, len(line))
        while col > 0 and line[col - 1] in " \t":
            col -= 1
        return SourcePos(self.file, mark.line + 1, max(col, 1))

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        keys = self.positions.keys
        file = self.file
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            at = SourcePos(file, mark.line + 1, mark.column + 1)
            if key_node.tag == _STR and isinstance(key_node, yaml.ScalarNode):     # the usual key: a name
                key = key_node.value
                if key and key not in result:
                    keys[(*path, key)] = at
                    result[key] = self.value(value_node, (*path, key))
                    continue
            if key_node.tag == _MERGE:
                self.problems.append(Diagnostic(at, "YAML merge keys ('<<') are not supported",
                                                hint="write the keys out, or use 'include:'"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Diagnostic(at, "a key must be a plain name, not a list or a mapping",
                                                hint="write 'name: value' ('?' or '[' start complex keys)"))
                continue
            if key_node.tag not in _PLAIN_TAGS and key_node.tag not in _TEXT_TAGS:
                self.problems.append(Diagnostic(at, f"unsupported YAML tag {_tag_name(key_node.tag)!r}",
                                                hint="vpcsim reads plain YAML values; remove the tag"))
                continue
            key = _construct(key_node)
            if key is None or key == "":
                self.problems.append(Diagnostic(at, "a key is empty", hint="write 'name: value'"))
                continue
            key = key if isinstance(key, str) else str(key).lower() if isinstance(key, bool) else str(key)
            if key in result:
                first = self.positions.keys[(*path, key)]
                self.problems.append(Diagnostic(
                    at, f"duplicate key {key!r}",
                    hint=f"{key!r} is already given at line {first.line}, column {first.col}; "
                    "YAML keeps only one of them, so remove or rename one"))
                continue
            self.positions.keys[(*path, key)] = at
            result[key] = self.value(value_node, (*path, key))
        return result


def _syntax_error(name: str, text: str, error: yaml.MarkedYAMLError) -> Diagnostic:
    """PyYAML's parser messages, rephrased for people who write topologies, at the most useful position."""
    problem = (error.problem or "invalid YAML").strip()
    context = (error.context or "").strip()
    mark, where = error.problem_mark, error.context_mark
    pos = _pos(name, mark) if mark is not None else SourcePos(name, 1, 1)
    start = _pos(name, where) if where is not None else None
    at = f"line {start.line}, column {start.col}" if start is not None else ""
    char = _char_at(text, mark)
    if "cannot start any token" in problem and char == "\t":
        return Diagnostic(pos, "YAML syntax error: a tab character is used for indentation",
                          hint="YAML indents with spaces only; replace the tabs with spaces")
    if "cannot start any token" in problem:
        return Diagnostic(pos, f"YAML syntax error: a plain value cannot start with {char!r}",
                          hint="put the value in quotes")
    if problem.startswith("did not find expected ',' or ") and start is not None:
        opener, closer = ("[", "]") if problem.endswith("']'") else ("{", "}")
        return Diagnostic(start, f"YAML syntax error: the {opener!r} here is never closed",
                          hint=f"add the closing {closer!r} (items inside are separated by ',')")
    if problem == "did not find expected node content" and char == ":":
        return Diagnostic(pos, "YAML syntax error: inside { } or [ ], a value cannot start with ':'",
                          hint="put it in quotes, e.g. \"::/0\"")
    if "end of stream" in problem and "quoted scalar" in context and start is not None:
        return Diagnostic(start, "YAML syntax error: the quoted text that starts here is never closed",
                          hint="add the closing quote")
    if context == "expected a single document in the stream":
        return Diagnostic(pos, "YAML syntax error: the file holds more than one YAML document",
                          hint="a topology is one document: remove the '---', or split it into files "
                          "joined with 'include:'")
    if problem.startswith("found undefined alias"):
        alias = _word_at(text, mark)
        return Diagnostic(pos, f"YAML syntax error: alias {alias} is used but no anchor "
                          f"&{alias.lstrip('*')} is defined before it",
                          hint="define the anchor on a value above, or write the value out")
    if problem == "mapping values are not allowed in this context":
        return Diagnostic(pos, "YAML syntax error: unexpected ':' inside a value",
                          hint="quote the value if it contains ': ', or put the nested key on its own line")
    if problem == "did not find expected key" and start is not None:
        return Diagnostic(pos, "YAML syntax error: this line is not indented like the other keys of its "
                          "mapping",
                          hint=f"the mapping starts at {at}; line its keys up, or fix the line above")
    if problem == "did not find expected '-' indicator" and start is not None:
        return Diagnostic(pos, "YAML syntax error: expected another '- ' list item here",
                          hint=f"the list starts at {at}; line its items up, or un-indent this line")
    if problem == "could not find expected ':'" and start is not None:
        return Diagnostic(start, "YAML syntax error: this line has no ':' after its key",
                          hint="write 'key: value', or make it a list item with '- '")
    hint = f"{context} that starts at {at}; check indentation, quoting and brackets" if at else \
        "check indentation, quoting and brackets on this line"
    return Diagnostic(pos, f"YAML syntax error: {problem}", hint=hint)


def _char_at(text: str, mark: Any) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    if mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return str(lines[mark.line][mark.column])


def _word_at(text: str, mark: Any) -> str:
    lines = text.splitlines()
    if mark is None or mark.line >= len(lines):
        return "*?"
    word = lines[mark.line][mark.column:].split()
    return str(word[0]).rstrip(",]}") if word else "*?"


def read_yaml(path: FsPath, display: str | None = None, *, deferred: bool = False) -> tuple[Any, Positions]:
    """Read one YAML (or JSON) file into plain data plus the position of every value.

    With ``deferred``, a file that reads cleanly gets a table that reads the file again when a position is
    first asked for (``Positions.deferred``): the data of a large topology without problems is built in a
    tenth of the time. Anything the quick walk does not expect sends the file down the full walk, which
    keeps the positions it needs for its diagnostics."""
    name = display or str(path)
    start = SourcePos(name, 1, 1)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TopologyError([Diagnostic(start, "no such file", hint="check the path")]) from None
    except IsADirectoryError:
        raise TopologyError([Diagnostic(start, "this is a folder, not a topology file",
                                        hint="give the path of a .yaml file")]) from None
    except OSError as error:
        raise TopologyError([Diagnostic(start, f"cannot read the file: {error.strerror}",
                                        hint="check the path and its permissions")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise TopologyError([Diagnostic(start, "the file is larger than 64 MiB",
                                        hint="split it with 'include:'")])
    if b"\x00" in raw[:8192]:
        raise TopologyError([Diagnostic(start, "this is a binary file, not YAML or JSON",
                                        hint="give a topology written in YAML or JSON")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw[: error.start].count(b"\n") + 1
        col = len(raw[line_start:error.start].decode("utf-8", errors="replace")) + 1
        raise TopologyError([Diagnostic(SourcePos(name, line, col), f"the file is not valid UTF-8 text "
                                        f"(byte 0x{raw[error.start]:02x})",
                                        hint="save the file as UTF-8")]) from None
    try:
        _check_nesting(name, text)
    except _TooBig as big:
        raise TopologyError([Diagnostic(big.pos, big.message, hint=big.hint)]) from None
    with _gc_paused():
        return _compose_and_walk(name, text, start, _Reread(str(path), name) if deferred else None)


@dataclass(frozen=True, slots=True)
class _Reread:
    """The recipe of a deferred table: this file's positions, read again (picklable, for the load cache)."""

    path: str
    display: str

    def __call__(self) -> Positions:
        try:
            return read_yaml(FsPath(self.path), self.display)[1]
        except TopologyError:       # the file changed or vanished since: no positions rather than a crash
            return Positions(default=SourcePos(self.display, 1, 1))


class _Unusual(Exception):
    """The quick walk met something only the full walk reports or handles (a tag, an odd key, depth)."""


def _quick_value(node: yaml.Node, depth: int = 0) -> Any:
    """The plain data of a composed document whose keys are distinct names and whose values are plain — what
    ``_Walk.value`` returns for it, without positions. Raises ``_Unusual`` for anything else."""
    kind = node.__class__
    if kind is yaml.ScalarNode:
        fast = _FAST_SCALARS.get(node.tag)
        if fast is None:
            raise _Unusual
        return fast(node)  # type: ignore[arg-type]
    if depth >= MAX_DEPTH:
        raise _Unusual
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_quick_value(item, depth + 1) for item in node.value]
    if kind is not yaml.MappingNode or node.tag != _MAP:
        raise _Unusual
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key_node.tag != _STR or key_node.__class__ is not yaml.ScalarNode or not key or key in result:
            raise _Unusual
        result[key] = _quick_value(value_node, depth + 1)
    return result


def _compose_and_walk(name: str, text: str, start: SourcePos, recipe: _Reread | None) -> tuple[Any, Positions]:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise TopologyError([_syntax_error(name, text, error)]) from None
    except yaml.YAMLError as error:
        raise TopologyError([Diagnostic(start, f"YAML error: {error}",
                                        hint="check indentation, quoting and brackets")]) from None
    except RecursionError:
        raise TopologyError([Diagnostic(start, "the document is nested too deeply to read",
                                        hint="check for runaway brackets or indentation")]) from None
    if node is None:
        raise TopologyError([Diagnostic(start, "the file is empty",
                                        hint="a topology needs at least 'vpcs:'")])
    if recipe is not None and "&" not in text:      # anchors and aliases: the full walk bounds their expansion
        try:
            return _quick_value(node), Positions.deferred(recipe, default=start)
        except _Unusual:
            pass
    walk = _Walk(name, text)
    try:
        if "&" in text:       # no anchor, no alias: nothing can expand (an alias needs an earlier anchor)
            _check_expansion(name, node)
        data = walk.value(node, ())
    except _TooBig as big:
        raise TopologyError([Diagnostic(big.pos, big.message, hint=big.hint)]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        pos = _pos(name, mark) if mark is not None else start
        raise TopologyError([Diagnostic(pos, f"YAML error: {error.problem or error.context}",
                                        hint="check the value on this line")]) from None
    if walk.problems:
        raise TopologyError(sorted(walk.problems, key=lambda d: (d.pos.line, d.pos.col)))
    return data, walk.positions
