"""Printable documents (PDF via Qt's PDF writer) built from service-layer data."""
