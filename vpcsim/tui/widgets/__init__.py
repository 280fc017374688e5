"""The explorer's widgets, one class per module; each shows data it is given and posts messages upward."""
