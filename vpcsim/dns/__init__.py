"""The Amazon-provided DNS server (Route 53 Resolver) as the VPC sees it (aws-semantics §11)."""
