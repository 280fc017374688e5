"""Re-run every console example of docs/traces.md and write the fresh output back (after engine changes).

    python docs/update_traces.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).with_name("traces.md")


def _run(match: re.Match[str]) -> str:
    command = match.group(1)
    env = dict(os.environ, COLUMNS="110")
    result = subprocess.run([sys.executable, "-m", "vpcsim", *command.split()[1:]], capture_output=True, text=True,
                            env=env, cwd=DOC.parent.parent, check=False)
    lines = "\n".join(line.rstrip() for line in result.stdout.rstrip().splitlines())
    return f"```console\n$ {command}\n{lines}\n```"


if __name__ == "__main__":
    DOC.write_text(re.sub(r"```console\n\$ (.*?)\n.*?```", _run, DOC.read_text(), flags=re.S))
