"""The checks a schema cannot say, one module per topic; ``vpcsim.load.validate`` runs them in a fixed order.

Each check is a generator of positioned diagnostics, named for what it checks, whose docstring names the AWS
rules it enforces (``R§.n`` of aws-semantics.md). What several topics ask the same way lives beside them:

- ``context``            the topology, its index and positions; finding a name and saying it does not exist
- ``cidrs``              CIDR texts and route destinations read the way the checks need them
- ``subnet_placement``   an address inside a subnet (R1.8, R1.9); one subnet per Availability Zone (R8.7, R10.10)

The topics: ``names``, ``addressing``, ``route_tables``, ``routes``, ``gateways``, ``endpoints``, ``security``,
``interfaces``, ``peering``, ``transit``, ``hosted_zones``.
"""
