"""Previews of drawings and photos: thumbnails, page images, DXF drawings as SVG."""
