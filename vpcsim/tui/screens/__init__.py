"""The explorer's screens, one class per module: screens act (they run traces), widgets show."""
