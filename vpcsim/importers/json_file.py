"""Vendor JSON files (describe-* outputs, ``terraform show -json``) read as JSON, with every value's position.

The data comes from ``json.loads``, so numbers and strings are JSON's; the positions come from the YAML reader's
walk (JSON is YAML), which is only asked once the text is known to be valid JSON. A file that is not valid JSON
is one diagnostic at the place ``json`` stopped, in words that say what is wrong there — a truncated file says
it is truncated — never a YAML message about a JSON file.
"""

from __future__ import annotations

import json
from pathlib import Path as FsPath
from typing import Any

from vpcsim.errors import Diagnostic, SourcePos, TopologyError
from vpcsim.load.positions import Positions
from vpcsim.load.yaml import MAX_FILE_BYTES, read_yaml

# json's messages, by how they start -> (what is wrong, the way out)
_MESSAGES = (
    ("Expecting property name enclosed in double quotes",
     "expected a key in double quotes", "JSON keys are quoted, and a ',' before '}' is not allowed"),
    ("Expecting ':' delimiter", "expected ':' after the key", "write \"key\": value"),
    ("Expecting ',' delimiter", "expected ',' or the end of the list or object",
     "separate items with ',' and close every '[' and '{'"),
    ("Expecting value", "expected a value", "a ',' before ']' or '}' is not allowed; strings are in double quotes"),
    ("Invalid control character at", "a control character (tab or line break) inside a string",
     "write it escaped: \\t or \\n"),
    ("Invalid \\escape", "an invalid escape in a string", "write a backslash as \\\\"),
    ("Invalid \\uXXXX escape", "an invalid \\u escape in a string", "\\u takes four hexadecimal digits"),
    ("Extra data", "more data after the end of the JSON document",
     "a file holds one JSON document: remove what follows it, or split the file"),
)


def read_json(path: FsPath, display: str | None = None) -> tuple[Any, Positions]:
    """Read one JSON file into plain data plus the position of every value.

    Raises ``TopologyError`` with one positioned diagnostic when the file is missing, unreadable, empty, or not
    valid JSON (the empty case keeps the YAML reader's words, "the file is empty", which callers test for).
    """
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError:
        return read_yaml(path, display=name)          # it words every problem of reaching the file
    if len(raw) > MAX_FILE_BYTES or b"\x00" in raw[:8192]:
        return read_yaml(path, display=name)          # too large, binary: the same words as for YAML
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return read_yaml(path, display=name)
    if not text.strip():
        raise TopologyError([Diagnostic(SourcePos(name, 1, 1), "the file is empty",
                                        hint="a JSON file holds one object, such as {\"Vpcs\": [...]}")])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TopologyError([json_error(name, text, error)]) from None
    except RecursionError:
        raise TopologyError([Diagnostic(SourcePos(name, 1, 1), "the JSON is nested too deeply to read",
                                        hint="check for runaway brackets")]) from None
    try:
        _, positions = read_yaml(path, display=name)
    except TopologyError:                              # valid JSON the YAML walk refuses (a duplicate key…)
        positions = Positions(default=SourcePos(name, 1, 1))
    return data, positions


def json_error(name: str, text: str, error: json.JSONDecodeError) -> Diagnostic:
    """``json``'s error as ``file:line:col: invalid JSON: what is wrong``, with a way out."""
    pos = SourcePos(name, error.lineno, error.colno)
    # json stops at the end of the text for a truncated file, or at the start of a string cut in two (a string
    # only ends unterminated at the end of the text: a line break inside one is another error).
    if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
        end = text.rstrip()
        last = end.rsplit("\n", 1)[-1]
        return Diagnostic(SourcePos(name, end.count("\n") + 1, len(last) + 1),
                          "invalid JSON: the file ends in the middle of the document (truncated?)",
                          hint="the command that wrote it may have been interrupted: write the file again")
    for start, what, hint in _MESSAGES:
        if error.msg.startswith(start):
            return Diagnostic(pos, f"invalid JSON: {what}", hint=hint)
    return Diagnostic(pos, f"invalid JSON: {error.msg[:1].lower()}{error.msg[1:]}",
                      hint="check the brackets, commas and quotes here")
