"""Turning English questions into graph queries (see the ask issue)."""
