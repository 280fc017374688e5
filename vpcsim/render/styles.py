"""Colours by name, in one table (Rich's default_styles idea); the TUI uses the same names as classes."""

DISPOSITION_STYLES: dict[str, str] = {
    "ACCEPTED": "bold green",
    "EXITS_NETWORK": "bold cyan",
    "DENIED": "bold red",
    "NO_ROUTE": "bold yellow",
    "BLACKHOLE": "bold magenta",
    "LOOP": "bold magenta",
    "REPLY_DENIED": "bold red",
    "REPLY_MISMATCH": "bold red",
    "NAME_NOT_RESOLVED": "bold yellow",
}

DECISION_STYLES: dict[str, str] = {
    "SECURITY_GROUP_DENY": "red",
    "NETWORK_ACL_DENY": "red",
    "POLICY_DENY": "red",
    "NO_ROUTE": "yellow",
    "BLACKHOLE": "magenta",
    "DROP": "red",
    "LOOP": "magenta",
    "TRANSLATE": "cyan",
    "EXIT": "cyan",
}

ROW_MARK_STYLES: dict[str, str] = {
    "path": "bold green",          # used by the trace on screen
    "drop": "bold red",            # where the trace was dropped (the row also starts with ✗)
    "win": "bold",                 # a route longest-prefix match picks for some addresses
    "muted": "dim",                # never used (a shadowed route, a losing VGW route)
    "ok": "green",                 # a probe that got through
    "bad": "red",                  # a probe that did not
    "nat": "bold cyan",            # the packet after a translation
}
"""How the explorer marks table rows (``vpcsim.tui``); bold, dim and the ✗ / ★ marks keep them apart under NO_COLOR."""
