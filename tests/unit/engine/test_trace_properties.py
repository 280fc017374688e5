"""No trace ever raises or hangs: random questions on random valid topologies all end in a disposition."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import topologies

import vpcsim
from vpcsim import Disposition, QueryError

PROTOCOLS = st.sampled_from(["tcp", "udp", "icmp", "all-other"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topology=topologies(), data=st.data())
def test_random_queries_on_random_topologies_end_in_a_disposition(topology: dict[str, Any],
                                                                   data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(yaml.safe_dump(topology))
        net = vpcsim.load(path)
    names = [*sorted(net.compiled.instances), "internet", "internet:203.0.113.9"]
    for _ in range(5):
        src = data.draw(st.sampled_from(names))
        dst = data.draw(st.sampled_from(names))
        protocol = data.draw(PROTOCOLS)
        port = data.draw(st.integers(0, 65535)) if protocol in ("tcp", "udp") else None   # only they have ports
        try:
            trace = net.trace(src, dst, protocol="47" if protocol == "all-other" else protocol, port=port)
        except QueryError:
            continue          # e.g. an IPv6-only pair asked for IPv4: a clear error, not a crash
        assert isinstance(trace.disposition, Disposition)
        stays_inside = [e.code for e in trace.explanations] == ["TRAFFIC_STAYS_IN_INSTANCE"]   # src == dst
        assert trace.forward or stays_inside or trace.disposition is not Disposition.ACCEPTED
        if not trace.reachable:
            assert trace.explanations and trace.explanations[0].code
        assert len(trace.forward) + len(trace.reply) < 600
