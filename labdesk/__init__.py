"""LabDesk: offline LIMS for product-quality inspection centres.

The one version number below feeds the package metadata, the PyInstaller spec, the
Inno Setup installer and the About box.
"""

__version__ = "0.1.0"
