"""Importers: one small reader per source format, on one shared pipeline (pipeline.py)."""
