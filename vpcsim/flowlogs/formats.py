"""Flow log record fields, their versions, and the default and custom ``${field}`` formats (R12.2 table).

``version`` of a record is 2 for the default format and, for a custom format, the highest version of any
field it lists (R12 §12.2).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, fields

FIELD_VERSIONS: dict[str, int] = {
    "version": 2, "account-id": 2, "interface-id": 2, "srcaddr": 2, "dstaddr": 2, "srcport": 2, "dstport": 2,
    "protocol": 2, "packets": 2, "bytes": 2, "start": 2, "end": 2, "action": 2, "log-status": 2,
    "vpc-id": 3, "subnet-id": 3, "instance-id": 3, "tcp-flags": 3, "type": 3, "pkt-srcaddr": 3, "pkt-dstaddr": 3,
    "region": 4, "az-id": 4, "sublocation-type": 4, "sublocation-id": 4,
    "pkt-src-aws-service": 5, "pkt-dst-aws-service": 5, "flow-direction": 5, "traffic-path": 5,
}

DEFAULT_FORMAT = ("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                  "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}")

_FIELD = re.compile(r"\$\{([a-z0-9-]+)\}")


class FormatError(ValueError):
    """A custom format names a field flow logs do not have."""


@dataclass(frozen=True, slots=True)
class FlowLogRecord:
    """One record: the values of every field of versions 2–5, as the text format prints them."""

    account_id: str
    interface_id: str
    srcaddr: str
    dstaddr: str
    srcport: str
    dstport: str
    protocol: str
    packets: str
    bytes: str
    start: str
    end: str
    action: str
    log_status: str
    vpc_id: str
    subnet_id: str
    instance_id: str
    tcp_flags: str
    type: str
    pkt_srcaddr: str
    pkt_dstaddr: str
    region: str
    az_id: str
    sublocation_type: str
    sublocation_id: str
    pkt_src_aws_service: str
    pkt_dst_aws_service: str
    flow_direction: str
    traffic_path: str

    def value(self, name: str) -> str:
        return str(getattr(self, name.replace("-", "_")))

    def as_dict(self) -> dict[str, str]:
        return {f.name.replace("_", "-"): getattr(self, f.name) for f in fields(self)}


def fields_of(format_string: str) -> list[str]:
    names = _FIELD.findall(format_string)
    unknown = [n for n in names if n not in FIELD_VERSIONS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], FIELD_VERSIONS, n=1, cutoff=0.6)
        guess = f" (did you mean ${{{close[0]}}}?)" if close else ""
        raise FormatError(f"unknown flow log field ${{{unknown[0]}}}{guess}; fields are: {', '.join(FIELD_VERSIONS)}")
    if not names:
        raise FormatError("a flow log format lists at least one ${field}")
    return names


def version_of(format_string: str) -> int:
    if format_string == DEFAULT_FORMAT:
        return 2
    return max(FIELD_VERSIONS[n] for n in fields_of(format_string))


def render(record: FlowLogRecord, format_string: str = DEFAULT_FORMAT) -> str:
    version = str(version_of(format_string))
    return " ".join(version if name == "version" else record.value(name) for name in fields_of(format_string))
