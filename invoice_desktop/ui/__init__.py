"""The Qt window. Everything here drives the core; nothing here builds HTTP."""
