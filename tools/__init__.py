"""Developer tools (not part of the app): `python -m tools.catalogs`."""
