"""The Qt-free domain core: numbers, limits, judgement, identifiers, standards.

Nothing here imports PySide6, pyqtgraph, the UI, or touches the database; the
import-linter contracts in pyproject.toml enforce it in CI.
"""
