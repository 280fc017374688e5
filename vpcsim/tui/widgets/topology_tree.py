"""The topology as a tree that loads each branch when it is opened, filters by substring, and marks the
components a trace passed through."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from vpcsim.tui import catalog_tree
from vpcsim.tui.catalog import Catalog
from vpcsim.tui.catalog_tree import Entry
from vpcsim.tui.refs import TAGS, Ref

MATCH_LIMIT = 200


class TopologyTree(Tree[Ref]):
    """account / region → VPCs → subnets → interfaces, then transit gateways, peering, VPN / DX, sites.

    | class | marks |
    |---|---|
    | `topology-tree--path` | a component the trace on screen passed through (prefixed `•`) |
    | `topology-tree--drop` | the component that dropped it (prefixed `✗`) |

    Branches above a marked component are drawn in the path style too, so a closed VPC shows that the
    trace went through it.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"topology-tree--path", "topology-tree--drop"}

    DEFAULT_CSS = """
    TopologyTree { scrollbar-size-vertical: 1; }
    TopologyTree > .topology-tree--path { color: $success; text-style: bold; }
    TopologyTree > .topology-tree--drop { color: $error; text-style: bold reverse; }
    """

    def __init__(self, catalog: Catalog, **kwargs: str | None) -> None:
        super().__init__(catalog.net.name, **kwargs)  # type: ignore[arg-type]
        self.catalog = catalog
        self.show_root = False
        self.guide_depth = 2
        self.path: frozenset[Ref] = frozenset()
        self.drop: Ref | None = None
        self.around_path: frozenset[Ref] = frozenset()
        self.filter_text = ""
        self.match_count = 0
        self._by_ref: dict[Ref, TreeNode[Ref]] = {}
        self._loaded: set[int] = set()

    def on_mount(self) -> None:
        self._show_roots()

    # -- loading ---------------------------------------------------------------------------------------

    def _add(self, parent: TreeNode[Ref], entry: Entry, expand: bool = False) -> TreeNode[Ref]:
        existing = self._by_ref.get(entry.ref)
        if existing is not None and existing.parent is parent:
            return existing
        label = Text(entry.label)
        if entry.detail:
            label.append(f"  {entry.detail}", "dim")
        tag = TAGS.get(entry.ref.kind)
        if tag and entry.ref.kind not in ("group",):
            label = Text.assemble((f"{tag} ", "dim"), label)
        if entry.expandable:
            node = parent.add(label, data=entry.ref, expand=expand)
        else:
            node = parent.add_leaf(label, data=entry.ref)
        self._by_ref[entry.ref] = node
        return node

    def _load(self, node: TreeNode[Ref]) -> None:
        """Add a branch's children the first time it is opened."""
        if node.id in self._loaded or node.data is None:
            return
        self._loaded.add(node.id)
        for entry in catalog_tree.children(self.catalog, node.data):
            self._add(node, entry)

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[Ref]) -> None:
        self._load(event.node)

    def _toggle_node(self, node: TreeNode[Ref]) -> None:
        """Children are added before the node opens, not when its NodeExpanded message arrives: a key pressed
        right after (enter, down) would otherwise move through a branch that is still empty."""
        if node.allow_expand and not node.is_expanded:
            self._load(node)
        super()._toggle_node(node)

    def start_ref(self) -> Ref | None:
        """Where the tree starts: on the first VPC when there is one account (opened), else the first line."""
        roots = catalog_tree.roots(self.catalog)
        if not roots:
            return None
        first = roots[0].ref
        if first.kind == "account" and len(self.catalog.accounts) == 1:
            children = catalog_tree.children(self.catalog, first)
            if children:
                return children[0].ref
        return first

    def _show_roots(self) -> None:
        self.clear()
        self._by_ref.clear()
        self._loaded = {self.root.id}
        for entry in catalog_tree.roots(self.catalog):
            self._add(self.root, entry)
        first = self.root.children[0] if self.root.children else None
        if first is not None and first.data is not None and first.data.kind == "account" and \
                len(self.catalog.accounts) == 1:
            self._load(first)
            first.expand()
        start = self.start_ref()
        if start is not None:
            self._tree_lines  # noqa: B018
            self.move_cursor(self._by_ref[start])

    # -- selecting -------------------------------------------------------------------------------------

    @property
    def selected_ref(self) -> Ref | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def node_of(self, ref: Ref) -> TreeNode[Ref] | None:
        """The node of ``ref``, opening (and loading) every branch above it; ``None`` if the filtered tree
        does not hold it."""
        chain = self.catalog.chain(ref)
        node = self.root
        for link in chain:
            if not self.filter_text:
                self._load(node)
            child = self._by_ref.get(link)
            if child is None or child.parent is not node:
                return None
            if link != chain[-1] and not child.is_expanded:
                self._load(child)
                child.expand()
            node = child
        return node

    def select_ref(self, ref: Ref) -> bool:
        """Move the cursor to ``ref``; returns whether the tree (as filtered) holds it."""
        node = self.node_of(ref)
        if node is None:
            return False
        self._tree_lines  # noqa: B018 - rebuild the line index now that branches opened
        self.move_cursor(node)
        return True

    # -- filtering -------------------------------------------------------------------------------------

    def show_matches(self, text: str, refs: list[Ref], total: int) -> None:
        """Show only ``refs`` (the matches of ``text``) under their ancestors; an empty text shows everything."""
        self.filter_text = text.strip()
        self.match_count = total
        if not self.filter_text:
            self._show_roots()
            return
        self.clear()
        self._by_ref.clear()
        self._loaded = {self.root.id}
        for ref in refs:
            node = self.root
            for link in self.catalog.chain(ref):
                existing = self._by_ref.get(link)
                if existing is not None and existing.parent is node:
                    if link != ref:
                        existing.expand()        # a match that holds another match opens
                    node = existing
                else:
                    entry = catalog_tree.entry(self.catalog, link)
                    is_match = link == ref
                    node = self._add(node, entry, expand=not is_match)
                    if not is_match:
                        self._loaded.add(node.id)
        if total > len(refs):
            self.root.add_leaf(Text(f"… {total - len(refs)} more: type more to narrow", "dim"))
        if not refs:
            self.root.add_leaf(Text(f"nothing matches {self.filter_text!r}", "dim"))
        self._tree_lines  # noqa: B018
        first = next((n for n in self._by_ref.values() if n.data in refs), None)
        if first is not None:
            self.move_cursor(first)

    def visible_refs(self) -> list[Ref]:
        """The refs on the tree's lines, top to bottom (closed branches hide their children)."""
        return [line.node.data for line in self._tree_lines if line.node.data is not None]

    # -- the trace on screen ---------------------------------------------------------------------------

    def set_path(self, path: frozenset[Ref], drop: Ref | None) -> None:
        self.path = path
        self.drop = drop
        self.around_path = frozenset(link for ref in path for link in self.catalog.chain(ref)[:-1])
        if not self.filter_text:         # open the branches the path runs through, keeping the cursor
            cursor = self.cursor_node
            for ref in sorted(path, key=str):
                if ref.kind in ("eni", "route_table", "network_acl", "nat_gateway", "internet_gateway",
                                "tgw_route_table", "peering", "vpn_gateway", "endpoint"):
                    self.node_of(ref)
            self._tree_lines  # noqa: B018
            if cursor is not None:
                self.move_cursor(cursor)
        self._invalidate()

    def get_label_width(self, node: TreeNode[Ref]) -> int:
        """What ``render_label`` would measure, without rendering: the tree asks for every line's width at
        each rebuild (a thousand VPCs under an open account)."""
        label = node.label
        width = label.cell_len if isinstance(label, Text) else cell_len(label)
        if node.allow_expand:
            width += cell_len(self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE)
        ref = node.data
        if ref is not None and self.path and (ref == self.drop or ref in self.path):
            width += 2                    # the "✗ " or "• " mark
        return width

    def render_label(self, node: TreeNode[Ref], base_style: Style, style: Style) -> Text:
        text = super().render_label(node, base_style, style)
        ref = node.data
        if ref is None or not self.path:
            return text
        if ref == self.drop:
            mark = Text("✗ ", self.get_component_rich_style("topology-tree--drop", partial=True))
            text.stylize(self.get_component_rich_style("topology-tree--drop", partial=True))
            return Text.assemble(mark, text)
        if ref in self.path:
            text.stylize(self.get_component_rich_style("topology-tree--path", partial=True))
            return Text.assemble(Text("• ", self.get_component_rich_style("topology-tree--path", partial=True)), text)
        if ref in self.around_path:
            text.stylize(self.get_component_rich_style("topology-tree--path", partial=True))
        return text
