"""``terraform show -json`` of a plan or of a state -> ``Topology`` (+ positions + warnings) (DESIGN §3).

The documented JSON output format (format_version 1.x) is read as it is: a plan's resources and their values come
from ``planned_values.root_module`` and its ``child_modules``, what is known only after apply from
``resource_changes[].change.after_unknown``, and how resources refer to each other from
``configuration.root_module`` (``expressions.*.references``, through ``module_calls``, module outputs and input
variables); a state's come from ``values.root_module``. Data sources are not resources of the network.

Names are Terraform addresses made YAML-safe (``aws_subnet.private_a``, ``module.net.aws_subnet.app[0]``,
``aws_subnet.app[eu-west-1a]`` for ``["eu-west-1a"]``), so a trace names what the configuration names. A reference
is followed through its known id (state, resources that already exist) or, when the id is known only after apply,
through the configuration's references. ``terraform_build`` maps the resources onto the schema, and ``settle``
validates the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from vpcsim.errors import Diagnostic, SourcePos, TopologyError
from vpcsim.importers.json_file import read_json
from vpcsim.importers.located import Element, SourceFile
from vpcsim.load.yaml import MAX_FILE_BYTES

SNIFF_BYTES = 4096
MAX_REFERENCE_DEPTH = 16
_FORMAT_VERSION = re.compile(rb'^\s*\{\s*"format_version"\s*:|"format_version"\s*:\s*"[01]\.')
_REFERENCE_TOKEN = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+|"(?:[^"\\]|\\.)*"|\*)\]')
_MODULE_STEP = re.compile(r'module\.([A-Za-z_][A-Za-z0-9_-]*)(\[(?:\d+|"(?:[^"\\]|\\.)*")\])?')
_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-\[\]]")
_NOT_RESOURCES = {"var", "local", "module", "data", "count", "each", "path", "terraform", "self"}

Key = int | str | None
_WHOLE = "\x00whole"          # config key of a list attribute written as one expression, not as blocks


def is_terraform_file(path: str | FsPath) -> bool:
    """True when ``path`` is a file whose JSON starts like ``terraform show -json`` output (``format_version``).

    Only the head of the file is read, so the check is cheap; a truncated or malformed file is still recognised
    (and then reported by the importer with its position)."""
    target = FsPath(path)
    if not target.is_file():
        return False
    try:
        with target.open("rb") as handle:
            head = handle.read(SNIFF_BYTES).removeprefix(b"\xef\xbb\xbf")
            if not head.lstrip().startswith(b"{"):
                return False
            if _FORMAT_VERSION.search(head) is not None:
                return True
            # Keys sorted (jq -S) put format_version after the configuration: look through the whole file.
            rest = head + handle.read(MAX_FILE_BYTES)
    except OSError:
        return False
    return b'"format_version"' in rest and b'"terraform_version"' in rest


def model_name(address: str) -> str:
    """A Terraform address as a YAML-safe name: for_each keys lose their quotes, other odd characters become _."""
    text = re.sub(r'\["((?:[^"\\]|\\.)*)"\]', lambda m: f"[{m[1]}]", address)
    return _UNSAFE.sub("_", text)[:255]


# --- what the file holds ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Block:
    """A resource's values, or one of its nested blocks: the known values, what is unknown until apply, and the
    configuration expressions they were written with (any of which may be missing)."""

    el: Element
    unknown: Any = None
    config: Any = None

    def get(self, key: str) -> Any:
        value = self.el.get(key)
        return None if value == "" else value

    def is_unknown(self, key: str) -> bool:
        return isinstance(self.unknown, dict) and self.unknown.get(key) is True

    def expression(self, key: str) -> dict[str, Any] | None:
        """The configuration expression of attribute ``key`` (``{"references": […]}`` or ``{"constant_value": …}``);
        inside a list written as one expression (``route = [...]``), that whole expression."""
        if not isinstance(self.config, dict):
            return None
        config = self.config.get(key, self.config.get(_WHOLE))
        return config if isinstance(config, dict) and _is_expression(config) else None

    def has_own_expression(self, key: str) -> bool:
        """Whether the configuration writes attribute ``key`` itself (not only as part of a whole-list
        expression): what says which of several alternative attributes a resource really sets."""
        return isinstance(self.config, dict) and isinstance(self.config.get(key), dict) \
            and _is_expression(self.config[key])

    def blocks(self, key: str) -> list[Block]:
        """The nested blocks (or list of objects) under ``key``; known from the values, else from the configuration
        (when the whole list is unknown until apply), matched to their configuration block by their constants."""
        written = self.config.get(key) if isinstance(self.config, dict) else None
        configs = _config_blocks(written)
        if isinstance(written, dict) and _is_expression(written) and written:
            configs = [{_WHOLE: written}]           # one expression for the whole list: each item shares it
        value = self.el.get(key)
        if isinstance(value, dict):                 # a single nested block
            items = [Element(value, self.el.src, (*self.el.path, key))]
        elif isinstance(value, list):
            items = [Element(v, self.el.src, (*self.el.path, key, i)) for i, v in enumerate(value)]
        else:
            items = []
        unknowns = self.unknown.get(key) if isinstance(self.unknown, dict) else None
        if not items and unknowns is True and configs and _WHOLE not in configs[0]:   # known only after apply
            return [Block(Element(_constants(c), self.el.src, self.el.path),
                          {k: True for k, v in c.items() if isinstance(v, dict) and "references" in v}, c)
                    for c in configs]
        result = []
        for i, item in enumerate(items):
            if not isinstance(item.data, dict):
                continue
            unknown = unknowns[i] if isinstance(unknowns, list) and i < len(unknowns) else None
            result.append(Block(item, unknown, _match_block(item.data, configs)))
        return result


def _is_expression(node: dict[str, Any]) -> bool:
    return "references" in node or "constant_value" in node or not node


def _config_blocks(config: Any) -> list[dict[str, Any]]:
    if isinstance(config, dict) and not _is_expression(config):
        return [config]
    if isinstance(config, list):
        return [c for c in config if isinstance(c, dict)]
    return []


def _constants(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v["constant_value"] for k, v in config.items() if isinstance(v, dict) and "constant_value" in v}


def _match_block(values: dict[str, Any], configs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The configuration block a (set) element was written with: the one whose constants all agree with it."""
    if len(configs) == 1:
        return configs[0]
    best: tuple[int, dict[str, Any] | None] = (-1, None)
    for config in configs:
        constants = _constants(config)
        if any(k in values and values[k] not in (None, "") and _loose(values[k]) != _loose(v)
               for k, v in constants.items()):
            continue
        score = sum(1 for k in constants if k in values)
        if score > best[0]:
            best = (score, config)
    return best[1]


def _loose(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(str(v) for v in value)
    return str(value)


@dataclass(slots=True)
class Resource:
    """One managed resource instance: its address, model name, module instance, and values as a ``Block``."""

    address: str
    type: str
    local_name: str                 # the ``name`` in ``type.name``
    key: Key                        # count index or for_each key
    module: str                     # module instance address ("" at the root): ``module.net["a"]``
    module_path: tuple[str, ...]    # module call names, for the configuration: ("net",)
    block: Block
    actions: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return model_name(self.address)

    @property
    def el(self) -> Element:
        return self.block.el

    def pos(self, *keys: str | int) -> SourcePos:
        return self.block.el.pos(*keys)


@dataclass(slots=True)
class Plan:
    """Everything read from the file: resources by address, the configuration by module, and warnings."""

    source: SourceFile
    kind: str                                                   # "plan" or "state"
    resources: list[Resource] = field(default_factory=list)
    by_resource: dict[tuple[str, str, str], list[Resource]] = field(default_factory=dict)
    config_modules: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)
    region: str | None = None
    warnings: list[Diagnostic] = field(default_factory=list)

    def warn(self, pos: SourcePos, message: str, hint: str | None = None) -> None:
        self.warnings.append(Diagnostic(pos, message, hint, severity="warning"))

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    # -- references --------------------------------------------------------------------------------------

    def targets(self, res: Resource, expression: dict[str, Any] | None) -> list[tuple[Resource, str | None]]:
        """The resource instances (and the attribute of each) an expression of ``res`` refers to."""
        if not expression:
            return []
        references = [r for r in _list(expression.get("references")) if isinstance(r, str)]
        keyed = any(r.startswith(("count.index", "each.")) for r in references)
        found: list[tuple[Resource, str | None]] = []
        for reference in _most_specific(references):
            for target in self._resolve(res.module, res.module_path, reference, res.key if keyed else None, 0):
                if target not in found:
                    found.append(target)
        return found

    def _resolve(self, module: str, path: tuple[str, ...], reference: str, key: Key,
                 depth: int) -> list[tuple[Resource, str | None]]:
        tokens = _tokens(reference)
        if not tokens or depth > MAX_REFERENCE_DEPTH or not isinstance(tokens[0], _Name):
            return []
        head = tokens[0].text
        if head == "var" and len(tokens) >= 2 and path:
            return self._through_variable(module, path, str(tokens[1]), depth)
        if head == "module" and len(tokens) >= 3:
            return self._through_output(module, path, tokens[1:], depth)
        if head in _NOT_RESOURCES or len(tokens) < 2 or not isinstance(tokens[1], _Name):
            return []
        candidates = self.by_resource.get((module, head, tokens[1].text), [])
        rest = tokens[2:]
        if rest and isinstance(rest[0], _Index):
            index = rest[0].value
            rest = rest[1:]
            if index != "*":
                candidates = [c for c in candidates if c.key == index]
        elif key is not None and any(c.key == key for c in candidates):
            candidates = [c for c in candidates if c.key == key]
        attribute = rest[0].text if rest and isinstance(rest[0], _Name) else None
        return [(c, attribute) for c in candidates]

    def _through_variable(self, module: str, path: tuple[str, ...], variable: str,
                          depth: int) -> list[tuple[Resource, str | None]]:
        """``var.x`` inside a module: what the calling module passes as ``x``."""
        parent = self.config_modules.get(path[:-1], {})
        call = _dict(_dict(parent.get("module_calls")).get(path[-1]))
        expression = _dict(call.get("expressions")).get(variable)
        if not isinstance(expression, dict):
            return []
        outer = _parent_module(module)
        found: list[tuple[Resource, str | None]] = []
        for reference in _most_specific(_list(expression.get("references"))):
            for target in self._resolve(outer, path[:-1], reference, None, depth + 1):
                if target not in found:
                    found.append(target)
        return found

    def _through_output(self, module: str, path: tuple[str, ...], tokens: list[_Token],
                        depth: int) -> list[tuple[Resource, str | None]]:
        """``module.x.out`` (or ``module.x[0].out``): the references of output ``out`` inside each instance of x."""
        call = tokens[0]
        if not isinstance(call, _Name):
            return []
        rest = tokens[1:]
        index: Key = None
        if rest and isinstance(rest[0], _Index):
            index = rest[0].value
            rest = rest[1:]
        if not rest or not isinstance(rest[0], _Name):
            return []
        inner_path = (*path, call.text)
        output = _dict(_dict(self.config_modules.get(inner_path, {}).get("outputs")).get(rest[0].text))
        expression = output.get("expression")
        if not isinstance(expression, dict):
            return []
        instances = self._module_instances(module, call.text)
        if index is not None and index != "*":
            wanted = (f"{module}.module.{call.text}" if module else f"module.{call.text}") + _index_text(index)
            instances = [m for m in instances if m == wanted]
        found: list[tuple[Resource, str | None]] = []
        for instance in instances:
            for reference in _most_specific(_list(expression.get("references"))):
                for target in self._resolve(instance, inner_path, reference, None, depth + 1):
                    if target not in found:
                        found.append(target)
        return found


    def _module_instances(self, module: str, call: str) -> list[str]:
        """The instances of module call ``call`` made from module instance ``module`` that hold resources."""
        base = f"{module}.module.{call}" if module else f"module.{call}"
        pattern = re.compile(re.escape(base) + r'(\[(?:\d+|"(?:[^"\\]|\\.)*")\])?(?=\.|$)')
        return sorted({m[0] for r in self.resources if (m := pattern.match(r.module)) is not None})


# --- references ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Name:
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class _Index:
    value: int | str


_Token = _Name | _Index


def _tokens(reference: str) -> list[_Token]:
    """``aws_subnet.app["a"].id`` -> [aws_subnet, app, Index("a"), id]; stops at anything it cannot read."""
    tokens: list[_Token] = []
    at = 0
    while at < len(reference):
        match = _REFERENCE_TOKEN.match(reference, at)
        if match is None:
            break
        if match[1] is not None:
            tokens.append(_Name(match[1]))
        else:
            raw = match[2]
            tokens.append(_Index(int(raw) if raw.isdigit() else raw if raw == "*" else _unquote(raw)))
        at = match.end()
    return tokens


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _most_specific(references: list[Any]) -> list[str]:
    """Terraform lists a traversal and its prefixes (``aws_vpc.a.id``, ``aws_vpc.a``): keep the longest ones."""
    texts = [r for r in references if isinstance(r, str)]
    return [r for r in texts if not any(o != r and o.startswith((r + ".", r + "[")) for o in texts)]


def _index_text(index: Key) -> str:
    if index is None:
        return ""
    return f"[{index}]" if isinstance(index, int) else f'["{index}"]'


def _parent_module(module: str) -> str:
    steps = list(_MODULE_STEP.finditer(module))
    return module[:steps[-1].start()].rstrip(".") if steps else ""


def _module_path(module: str) -> tuple[str, ...]:
    return tuple(m[1] for m in _MODULE_STEP.finditer(module))


# --- reading the file ---------------------------------------------------------------------------------------


SUPPORTED_FORMATS = ("0.1", "0.2", "1.")
"""``format_version`` 0.1 (Terraform 0.12–0.14) and 0.2 (0.15–1.0) have the plan and state shapes of 1.x that
vpcsim reads (``planned_values``, ``prior_state``, state ``values``, ``resource_changes``, ``configuration``);
1.x only adds fields (sensitive values, ``relevant_attributes``, checks) the importer does not need."""


def read_plan(path: FsPath) -> Plan:
    """The file's resources, configuration and provider Region; raises ``TopologyError`` when it is not
    ``terraform show -json`` output."""
    display = str(path)
    data, positions = read_json(path, display=display)
    src = SourceFile(display, positions, path.name)
    root = Element(data, src)
    start = SourcePos(display, 1, 1)
    if not isinstance(data, dict) or "format_version" not in data:
        raise TopologyError([Diagnostic(start, "not the output of 'terraform show -json': there is no "
                                        "'format_version' at the top", hint="write it with terraform show -json "
                                        "plan.out > plan.json (or terraform show -json > state.json)")])
    version = str(data.get("format_version"))
    if not version.startswith(SUPPORTED_FORMATS):
        raise TopologyError([Diagnostic(root.pos("format_version"), f"Terraform JSON format_version {version} is "
                                        "not one vpcsim knows (it reads 0.1, 0.2 and 1.x)",
                                        hint="check that vpcsim is up to date, or write the file with a "
                                        "Terraform release that writes format_version 1.x")])
    plan = Plan(src, "plan" if "planned_values" in data or "resource_changes" in data else "state")
    _read_configuration(plan, root)
    changes = _changes(root)
    if plan.kind == "plan":
        top = root.sub("planned_values").sub("root_module")
        if top.data is None and changes:
            _resources_from_changes(plan, changes)
        else:
            _walk_module(plan, top, "", changes)
    else:
        top = root.sub("values").sub("root_module")
        if top.data is None:
            plan.warn(start, "the state holds no resources: the topology is empty")
        _walk_module(plan, top, "", {})
    for res in plan.resources:
        plan.by_resource.setdefault((res.module, res.type, res.local_name), []).append(res)
    return plan


def _read_configuration(plan: Plan, root: Element) -> None:
    config = root.sub("configuration")
    provider = _dict(_dict(config.get("provider_config")).get("aws"))
    region = _dict(_dict(provider.get("expressions")).get("region")).get("constant_value")
    if isinstance(region, str) and region:
        plan.region = region

    def walk(module: Any, path: tuple[str, ...]) -> None:
        if not isinstance(module, dict) or len(path) > MAX_REFERENCE_DEPTH:
            return
        plan.config_modules[path] = module
        for name, call in _dict(module.get("module_calls")).items():
            if isinstance(call, dict):
                walk(call.get("module"), (*path, str(name)))

    walk(config.get("root_module"), ())


def _changes(root: Element) -> dict[str, tuple[tuple[str, ...], Any, Element]]:
    """``resource_changes`` by address: (actions, after_unknown, the ``after`` element)."""
    found: dict[str, tuple[tuple[str, ...], Any, Element]] = {}
    for item in root.items("resource_changes") if isinstance(root.get("resource_changes"), list) else []:
        address = item.get("address")
        change = item.sub("change")
        if not isinstance(address, str) or not isinstance(change.data, dict) or item.get("deposed"):
            continue
        actions = tuple(str(a) for a in _list(change.get("actions")))
        found[address] = (actions, change.get("after_unknown"), change.sub("after"))
    return found


def _walk_module(plan: Plan, module: Element, address: str,
                 changes: dict[str, tuple[tuple[str, ...], Any, Element]], depth: int = 0) -> None:
    if not isinstance(module.data, dict) or depth > MAX_REFERENCE_DEPTH:
        return
    for item in module.items("resources") if isinstance(module.get("resources"), list) else []:
        if not isinstance(item.data, dict) or item.get("mode", "managed") != "managed":
            continue
        resource_address = item.get("address")
        kind, name = item.get("type"), item.get("name")
        if not all(isinstance(v, str) for v in (resource_address, kind, name)):
            plan.warn(item.pos(), "a resource without 'address', 'type' or 'name' is skipped")
            continue
        actions, unknown, _ = changes.get(resource_address, ((), None, item))
        if "delete" in actions and "create" not in actions:
            continue
        values = item.sub("values")
        if not isinstance(values.data, dict):
            values = Element({}, values.src, values.path)
        _add(plan, resource_address, kind, name, item.get("index"), address, Block(values, unknown), actions)
    for child in module.items("child_modules") if isinstance(module.get("child_modules"), list) else []:
        child_address = child.get("address")
        if isinstance(child_address, str):
            _walk_module(plan, child, child_address, changes, depth + 1)


def _resources_from_changes(plan: Plan, changes: dict[str, tuple[tuple[str, ...], Any, Element]]) -> None:
    """A plan without ``planned_values``: the resources are those that exist after it, from ``resource_changes``."""
    for address, (actions, unknown, after) in changes.items():
        if ("delete" in actions and "create" not in actions) or address.startswith("data.") or ".data." in address:
            continue
        match = re.search(r'(?:^|\.)([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[(?:\d+|"(?:[^"\\]|\\.)*")\])?$', address)
        if match is None or not isinstance(after.data, dict):
            continue
        key: Key = None
        if match[3]:
            inner = match[3][1:-1]
            key = int(inner) if inner.isdigit() else _unquote(inner)
        module = address[:match.start()].rstrip(".") if match.start() else ""
        _add(plan, address, match[1], match[2], key, module, Block(after, unknown), actions)


def _add(plan: Plan, address: str, kind: str, name: str, index: Any, module: str, block: Block,
         actions: tuple[str, ...]) -> None:
    key: Key = index if isinstance(index, int | str) and not isinstance(index, bool) else None
    path = _module_path(module)
    config = None
    for resource in _list(plan.config_modules.get(path, {}).get("resources")):
        if isinstance(resource, dict) and resource.get("address") == f"{kind}.{name}" and \
                resource.get("mode", "managed") == "managed":
            config = resource.get("expressions")
            break
    plan.resources.append(Resource(address, kind, name, key, module, path,
                                   Block(block.el, block.unknown, config), actions))
