"""Sourced catalogs (CSV) and loaders."""
