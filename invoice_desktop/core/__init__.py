"""The Qt-free core: what an upload is, independent of any window.

Imports nothing on its own: `invoice-desktop --help` and `providers` load only what they use (see
core/registry.py); pydantic is loaded, whole, by core/provider.py when a provider is first needed.
"""
