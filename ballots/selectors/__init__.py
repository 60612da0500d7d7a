"""Reads of the ballots app, scoped to the caller's jurisdiction, one module per area."""
