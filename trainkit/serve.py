"""`build.py serve`: build one industry, serve it on localhost, rebuild and reload on every save.

Uses MkDocs' live-reload server. A rebuild that fails on bad input prints the problems and
keeps serving the last good build, so a typo never takes the preview down.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .commands.failures import exit_status
from .environment import TemplateCaches
from .pipeline import build


def serve(root: Path, industry_id: str, port: int) -> None:
    """Serve ``industry_id`` at http://127.0.0.1:PORT/ until interrupted."""
    from mkdocs.livereload import LiveReloadServer

    out = Path(tempfile.mkdtemp(prefix="trainkit-serve-")) / "dist"
    caches = TemplateCaches()  # shared by every rebuild; bounded, so a long session does not grow
    build(root, out, [industry_id], caches=caches)  # the first build must succeed; errors go to the CLI

    def rebuild() -> None:
        try:
            result = build(root, out, [industry_id], caches=caches)
            print(f"Rebuilt {industry_id} in {result.seconds:.1f} s", flush=True)
        except Exception as err:  # reported exactly as the CLI reports it, and the preview stays up
            exit_status(err, root)
            print("Still serving the last good build.", file=sys.stderr, flush=True)

    server = LiveReloadServer(rebuild, "127.0.0.1", port, str(out / industry_id))
    for watched in ("content", "templates", "mkdocs.yml", f"industries/{industry_id}.yaml"):
        server.watch(str(root / watched))
    print(f"Serving {industry_id} at http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve()
    finally:
        server.shutdown()
