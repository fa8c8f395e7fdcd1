"""Persistence: tables, engine and migrations."""
