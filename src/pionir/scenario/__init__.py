"""Scenario tables, validation, CSV and workbook readers and writers, demo data."""
