"""Escalation of unresolved cases to supervisors on a business-calendar ladder."""
