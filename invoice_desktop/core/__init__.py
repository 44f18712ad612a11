"""The Qt-free core: what an upload is, independent of any window."""
