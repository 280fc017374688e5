"""VPC Flow Logs: the records AWS would write for a traced conversation (aws-semantics §12)."""
