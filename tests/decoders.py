"""Reading back what LabDesk draws, with two independent decoders.

zxing-cpp encodes LabDesk's symbols, so its decoder alone would be checking its own
work: ZBar (pyzbar, through the system's libzbar) reads them too when it is installed
(scripts/system-deps.sh installs it), and both must agree.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_ZBAR_NAMES = {"QRCODE": "QRCode", "CODE128": "Code128"}


def gray(image: Any) -> np.ndarray:
    """A QImage (any format) or a 2-D uint8 array as a 2-D uint8 array."""
    if isinstance(image, np.ndarray):
        return image
    from PySide6.QtGui import QImage

    converted = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = converted.width(), converted.height(), converted.bytesPerLine()
    raw = np.frombuffer(bytes(converted.constBits()), dtype=np.uint8)
    return raw.reshape(height, stride)[:, :width].copy()


def zbar_available() -> bool:
    try:
        from pyzbar import pyzbar  # noqa: F401
    except (ImportError, OSError):  # no pyzbar, or no libzbar0
        return False
    return True


def decode(image: Any) -> dict[str, list[str]]:
    """{"QRCode": [...], "Code128": [...]} read by zxing-cpp — and by ZBar, which must read
    exactly the same when it is available. Texts sorted."""
    import zxingcpp

    pixels = gray(image)
    found: dict[str, list[str]] = {}
    for result in zxingcpp.read_barcodes(pixels):
        found.setdefault(result.format.name, []).append(result.text)
    found = {name: sorted(texts) for name, texts in found.items()}
    if zbar_available():
        from pyzbar import pyzbar

        by_zbar: dict[str, list[str]] = {}
        for symbol in pyzbar.decode(pixels):
            name = _ZBAR_NAMES.get(symbol.type, symbol.type)
            by_zbar.setdefault(name, []).append(symbol.data.decode("utf-8"))
        assert {n: sorted(t) for n, t in by_zbar.items()} == found, "the decoders disagree"
    return found
