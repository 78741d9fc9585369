"""Signed batch files: format, export, verification and the receiving side (Qt-free)."""
