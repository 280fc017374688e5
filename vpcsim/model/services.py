"""AWS services reachable through VPC endpoints, and the AWS-managed prefix lists of their public ranges.

The ranges are a snapshot of the us-east-1 lists (``pl-63a5400a`` S3, ``pl-02cd2c6b`` DynamoDB). Other
Regions get an empty list and a validation warning: declare ``prefix_lists: {com.amazonaws.<region>.s3:
{aws_managed: true, entries: [...]}}`` to give them (docs/semantics.md).
"""

from __future__ import annotations

GATEWAY_SERVICES = ("s3", "dynamodb")

MANAGED_PREFIXES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("us-east-1", "s3"): ("pl-63a5400a", ("3.5.0.0/19", "16.182.0.0/16", "18.34.0.0/19", "18.34.232.0/21",
                                          "52.216.0.0/15", "54.231.0.0/16")),
    ("us-east-1", "dynamodb"): ("pl-02cd2c6b", ("3.218.180.0/22", "3.218.184.0/22", "52.94.0.0/22",
                                                "52.119.224.0/20")),
}


def service_name(service: str, region: str) -> str:
    """``s3`` -> ``com.amazonaws.us-east-1.s3``; full names are returned as they are."""
    return service if "." in service else f"com.amazonaws.{region}.{service}"


def short_service(service: str) -> str:
    return service.rsplit(".", 1)[-1]


def managed_prefix_list(service: str, region: str) -> tuple[str, tuple[str, ...]] | None:
    return MANAGED_PREFIXES.get((region, short_service(service)))
