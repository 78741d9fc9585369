"""Draw LabDesk's icon: resources/icons/labdesk.svg, PNGs at the usual sizes and labdesk.ico.

The SVG below is the one drawing; every PNG is rendered from it with Qt's SVG renderer, and
the .ico packs the PNGs (PNG-compressed ICO entries, which Windows reads since Vista).
The generated files are committed; run this again only after changing the drawing:

    .venv/bin/python installer/make_icons.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = ROOT / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

# An Erlenmeyer flask with liquid and a "passed" check badge, on a rounded blue tile.
SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>LabDesk</title>
  <rect x="8" y="8" width="240" height="240" rx="52" ry="52" fill="#1d5c8c"/>
  <rect x="94" y="30" width="68" height="18" rx="7" ry="7" fill="#ffffff"/>
  <path d="M106 46 L106 102 L56 196 Q48 216 72 216 L184 216 Q208 216 200 196
           L150 102 L150 46 Z" fill="#ffffff"/>
  <path d="M82 148 L174 148 L200 196 Q208 216 184 216 L72 216 Q48 216 56 196 Z"
        fill="#5ec8e5"/>
  <circle cx="112" cy="184" r="9" fill="#ffffff" fill-opacity="0.7"/>
  <circle cx="134" cy="166" r="6" fill="#ffffff" fill-opacity="0.7"/>
  <circle cx="190" cy="186" r="50" fill="#2e9d45" stroke="#ffffff" stroke-width="9"/>
  <path d="M166 188 L184 206 L216 168" fill="none" stroke="#ffffff" stroke-width="14"
        stroke-linecap="round" stroke-linejoin="round"/>
</svg>
"""


def render_png(renderer: object, size: int) -> bytes:
    """Render the SVG at `size` x `size` pixels and return PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    assert isinstance(renderer, QSvgRenderer)
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"PNG"))
    if not writer.write(image):
        raise RuntimeError(f"could not encode the {size}px PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def build_ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (ICONDIR, ICONDIRENTRY x n, data)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    blobs = b""
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(QByteArray(SVG.encode("utf-8")))
    if not renderer.isValid():
        raise RuntimeError("the icon SVG does not parse")
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    (ICON_DIR / "labdesk.svg").write_text(SVG, encoding="utf-8")
    pngs = {size: render_png(renderer, size) for size in PNG_SIZES}
    for size, blob in pngs.items():
        (ICON_DIR / f"labdesk-{size}.png").write_bytes(blob)
    (ICON_DIR / "labdesk.ico").write_bytes(build_ico({s: pngs[s] for s in ICO_SIZES}))
    del app
    print(f"wrote {len(pngs)} PNGs, labdesk.svg and labdesk.ico into {ICON_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
