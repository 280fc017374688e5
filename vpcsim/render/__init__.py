"""Renderers: results -> text, JSON, graphs. They only read plain data."""
