"""A local map tile server: one plain 256x256 PNG for every /{z}/{x}/{y}.png.

The browser tests (tests/browser/conftest.py, `tile_server`) and the Lighthouse bench
(bench/lighthouse.py) point MAP_TILE_URL at it, so that Leaflet's maps load tiles and nothing
leaves the machine. `serve_tiles()` is a context manager giving the server's origin.
"""

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

# Template of MAP_TILE_URL on a tile server's origin.
TILE_PATH = "/{z}/{x}/{y}.png"


def tile_png() -> bytes:
    """The one tile: a light grey-green square, a few hundred bytes."""
    image = io.BytesIO()
    Image.new("RGB", (256, 256), (232, 236, 226)).save(image, "PNG")
    return image.getvalue()


class TileHandler(BaseHTTPRequestHandler):
    """Answers every GET with `tile` (a PNG), cacheable for an hour."""

    tile = b""

    def do_GET(self):  # noqa: N802 - the name http.server calls
        try:
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(self.tile)))
            self.send_header("Cache-Control", "max-age=3600")
            self.end_headers()
            self.wfile.write(self.tile)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the map moved on and the browser dropped the tile: nothing to answer

    def log_message(self, *args):
        pass


@contextmanager
def serve_tiles() -> Iterator[str]:
    """A tile server on a free 127.0.0.1 port, in a thread; yields its origin (http://...)."""
    handler = type("Tiles", (TileHandler,), {"tile": tile_png()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="tile-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
