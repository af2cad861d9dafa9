"""The staff desk: case topics in the staff group, agent takeover, relay and coaching."""
