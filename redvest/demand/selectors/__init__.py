"""Reads for demand and dispatch; see the modules for each area."""
