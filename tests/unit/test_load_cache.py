"""The load cache (``vpcsim.cache``): a network comes back from it exactly as loading builds it, and only
while every file it was read from is unchanged."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import vpcsim
from vpcsim import cache as caching
from vpcsim.cli import main

TOPOLOGIES = Path(__file__).parents[2] / "topologies"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("VPCSIM_CACHE_DIR", str(folder))
    monkeypatch.setenv("VPCSIM_CACHE_SYNC", "1")             # write in this process: the tests read it next
    monkeypatch.delenv("VPCSIM_NO_CACHE", raising=False)
    monkeypatch.setattr(caching, "WORTH_SECONDS", 0.0)       # the reference topologies load too fast to keep
    return folder


@pytest.fixture
def topology(tmp_path: Path) -> Path:
    return Path(shutil.copy(TOPOLOGIES / "nat-per-az.yaml", tmp_path / "nat-per-az.yaml"))


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle")) if folder.exists() else []


def test_a_second_load_comes_from_the_cache_and_answers_the_same(cache_dir: Path, topology: Path) -> None:
    built = vpcsim.load(topology, cache=True)
    assert built.topology is not None and len(entries(cache_dir)) == 1
    cached = vpcsim.load(topology, cache=True)
    assert cached.topology is None                           # nothing was read but the entry
    for src, dst, port in (("app-1", "internet:192.0.2.80", 443), ("app-1", "app-2", 22)):
        a, b = built.trace(src, dst, port=port), cached.trace(src, dst, port=port)
        assert (a.disposition, a.forward, a.reply, a.explanations) == \
            (b.disposition, b.forward, b.reply, b.explanations)


def test_a_cached_network_still_knows_where_each_rule_was_written(cache_dir: Path, topology: Path) -> None:
    vpcsim.load(topology, cache=True)
    cached = vpcsim.load(topology, cache=True).compiled
    fresh = vpcsim.load(topology).compiled
    assert "deferred" in repr(cached.positions)             # read again from the file only when consulted
    assert dict(cached.positions.values) == dict(fresh.positions.values)
    assert dict(cached.positions.keys) == dict(fresh.positions.keys)


def test_a_cached_network_is_read_and_traced_without_the_model_or_the_compiler(cache_dir: Path,
                                                                               topology: Path) -> None:
    """docs/architecture.md: ``compile/network.py`` holds only the result, so a cached load imports neither
    pydantic (the model, the loader) nor the compiler."""
    vpcsim.load(topology, cache=True)
    script = ("import sys, vpcsim\n"
              "net = vpcsim.load(sys.argv[1], cache=True)\n"
              "assert net.topology is None\n"
              "net.trace('app-1', 'internet:192.0.2.80', port=443)\n"
              "print(sorted(m for m in sys.modules if m == 'pydantic' or m in sys.argv[2:]))\n")
    heavy = ("vpcsim.compile.compiler", "vpcsim.model.topology", "vpcsim.load.loader")
    done = subprocess.run([sys.executable, "-c", script, str(topology), *heavy], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_editing_the_topology_misses_the_cache(cache_dir: Path, topology: Path) -> None:
    vpcsim.load(topology, cache=True)
    topology.write_text(topology.read_text().replace("name: nat-per-az", "name: nat-per-az-edited", 1))
    assert caching.fetch(topology) is None
    assert vpcsim.load(topology, cache=True).name == "nat-per-az-edited"


def test_editing_an_included_file_misses_the_cache(cache_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "root.yaml"
    root.write_text("name: split\ninclude: [vpcs.yaml]\n")
    part = tmp_path / "vpcs.yaml"
    part.write_text("vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n")
    assert set(vpcsim.load(root, cache=True).compiled.vpcs) == {"prod"}
    assert caching.fetch(root) is not None
    part.write_text("vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n  dev:\n    cidr: 10.1.0.0/16\n")
    assert caching.fetch(root) is None
    assert set(vpcsim.load(root, cache=True).compiled.vpcs) == {"prod", "dev"}


def test_a_damaged_entry_is_dropped_and_the_topology_loaded_again(cache_dir: Path, topology: Path) -> None:
    vpcsim.load(topology, cache=True)
    (entry,) = entries(cache_dir)
    entry.write_bytes(b"not a pickle")
    network = vpcsim.load(topology, cache=True)
    assert network.topology is not None
    assert len(entries(cache_dir)) == 1 and pickle.loads(entries(cache_dir)[0].read_bytes())


def test_the_api_does_not_cache_unless_asked(cache_dir: Path, topology: Path) -> None:
    vpcsim.load(topology)
    assert entries(cache_dir) == []


def test_the_cli_caches_unless_told_not_to(cache_dir: Path, topology: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    args = ["trace", str(topology), "--from", "app-1", "--to", "internet:192.0.2.80", "--port", "443"]
    assert main([*args, "--no-cache"]) == 0
    assert entries(cache_dir) == []
    uncached = capsys.readouterr().out
    assert main(args) == 0
    assert len(entries(cache_dir)) == 1
    assert capsys.readouterr().out == uncached
    assert main(args) == 0                                    # from the cache: the same words
    assert capsys.readouterr().out == uncached
    assert not caching.enabled()                              # the CLI's choice ends with the command


def test_vpcsim_no_cache_in_the_environment_turns_it_off(cache_dir: Path, topology: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VPCSIM_NO_CACHE", "1")
    assert main(["validate", str(topology)]) == 0
    assert entries(cache_dir) == []


def test_old_entries_are_pruned(cache_dir: Path, topology: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caching, "MAX_ENTRIES", 2)
    for name in ("a", "b", "c"):
        copy = topology.with_name(f"{name}.yaml")
        shutil.copy(topology, copy)
        vpcsim.load(copy, cache=True)
    assert len(entries(cache_dir)) == 2


def test_the_writer_is_a_forked_copy_that_leaves_no_zombie(tmp_path: Path, topology: Path) -> None:
    """Without VPCSIM_CACHE_SYNC the entry is written by a twice-forked process; the command returns first."""
    folder = tmp_path / "cache"
    script = ("import os, sys, vpcsim; from vpcsim import cache; cache.WORTH_SECONDS = 0.0\n"
              "vpcsim.load(sys.argv[1], cache=True)\n"
              "try:\n    print(os.waitpid(-1, os.WNOHANG))\nexcept ChildProcessError:\n    print('none')\n")
    env = {**os.environ, "VPCSIM_CACHE_DIR": str(folder)}
    env.pop("VPCSIM_CACHE_SYNC", None)
    done = subprocess.run([sys.executable, "-c", script, str(topology)], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"          # no child of ours is left to reap
    for _ in range(200):
        if entries(folder):
            break
        time.sleep(0.05)
    assert len(entries(folder)) == 1
