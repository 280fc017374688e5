"""Every key the explorer answers to, in one table: the help screen and the README are written from it.

Letters act when no text field has focus (Textual gives typed letters to an ``Input``); ``escape`` always
leaves a text field, and the ctrl keys work from anywhere (DESIGN §7).
"""

from __future__ import annotations

KEYS: tuple[tuple[str, str, str], ...] = (
    ("where", "key", "does"),
    ("anywhere", "?  f1", "this help"),
    ("anywhere", "q  ctrl+c", "quit"),
    ("anywhere", "l", "switch between the dark and the light theme"),
    ("anywhere", "d", "details of the selection"),
    ("anywhere", "m  ctrl+g", "map of the network"),
    ("anywhere", "t  ctrl+t", "trace: from, to, protocol, port; enter runs it"),
    ("anywhere", "x", "all-pairs matrix, one tab per flow the security groups mention"),
    ("anywhere", "c", "with --diff: the reachability that changed between the two versions"),
    ("anywhere", "/", "filter the tree: type a name, id, CIDR or address"),
    ("anywhere", "b", "show or hide the tree"),
    ("anywhere", "escape", "leave a text field; back to the details; clear the filter"),
    ("tree", "up down  enter  space", "move; open or close a branch (branches load as they open)"),
    ("tree", "shift+left", "to the parent branch"),
    ("details", "tab  enter", "next table; jump to a route target, member or rule, or open a probe's trace"),
    ("map", "arrows  enter  click", "move between boxes; select the box in the tree"),
    ("map", "n  p", "next / previous hop of the trace on the map"),
    ("map", "[  ]", "previous / next page of VPCs (large networks are drawn a page at a time)"),
    ("matrix", "arrows  enter", "move between cells; open the trace that decided one"),
    ("changes", "enter  o", "open the trace of a change in the new version / in the old one"),
    ("trace", "tab  right", "next field; accept the suggested completion"),
    ("trace", "enter", "run the trace; in the hop table, show that hop on the map"),
)
