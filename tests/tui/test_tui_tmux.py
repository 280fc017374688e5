"""The explorer in a real terminal: tmux runs ``vpcsim tui``, keys are sent as a person types them, and
the screen is read back with ``capture-pane`` (.ci/run installs tmux, so this runs in CI)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")


class Terminal:
    """One tmux server of our own (its own socket), one 100x30 window running a command."""

    def __init__(self, command: str) -> None:
        self.socket = f"vpcsim-test-{os.getpid()}"
        self.tmux("new-session", "-d", "-s", "tui", "-x", "100", "-y", "30",
                  f"cd {shlex.quote(str(ROOT))} && env TERM=xterm-256color LANG=C.UTF-8 {command}; "
                  "echo EXITED $?; sleep 60")

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "-u", *args], check=True, capture_output=True,
                              text=True, timeout=10).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            if key.startswith("="):
                self.tmux("send-keys", "-t", "tui", "-l", key[1:])
            else:
                self.tmux("send-keys", "-t", "tui", key)
            time.sleep(0.05)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "tui")

    def wait_for(self, *texts: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(t in screen for t in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"never saw {texts!r}; the screen was:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(f"{shlex.quote(sys.executable)} -m vpcsim tui topologies/nat-per-az.yaml")
    try:
        yield term
    finally:
        term.close()


def test_a_person_navigates_traces_and_quits_in_a_real_terminal(terminal: Terminal) -> None:
    screen = terminal.wait_for("nat-per-az · 0 diagnostics", "VPC shop", "main route table  isolated-rt")
    assert "vpc shop  10.20.0.0/16" in screen

    terminal.keys("Enter")                                          # open shop (a person waits for each change)
    terminal.wait_for("├ ▶ subnets  6")
    terminal.keys("Down", "Enter")                                  # open its subnets
    terminal.wait_for("├ ▶ subnet public-a")
    terminal.keys("Down")                                           # to public-a
    terminal.wait_for("subnet public-a", "effective route table public-rt", "0.0.0.0/0", "igw")   # drawn in frames

    terminal.keys("t")                                               # a person waits for the form to show
    terminal.wait_for("enter from and to, then press enter")
    terminal.keys("=bastion", "Tab", "=db-1", "Tab", "Tab", "=5432", "Enter")
    terminal.wait_for("DENIED  bastion -> db-1  tcp/5432", "SUBNET_ACL_RESTRICTION", "✗", "db-nacl",
                      "fix to consider")

    terminal.keys("m")
    terminal.wait_for("✗db-a", "DENIED bastion -> db-1")

    terminal.keys("q")
    terminal.wait_for("EXITED 0")
