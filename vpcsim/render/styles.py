"""Colours by name, in one table (Rich's default_styles idea); the TUI uses the same names as classes."""

DISPOSITION_STYLES: dict[str, str] = {
    "ACCEPTED": "bold green",
    "EXITS_NETWORK": "bold cyan",
    "DENIED": "bold red",
    "NO_ROUTE": "bold yellow",
    "BLACKHOLE": "bold magenta",
    "LOOP": "bold magenta",
    "REPLY_DENIED": "bold red",
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
