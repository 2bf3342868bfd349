"""`build.py serve`: build one industry, serve it on localhost, rebuild and reload on every save.

Uses MkDocs' live-reload server. A rebuild that fails on bad input prints the problems and
keeps serving the last good build, so a typo never takes the preview down.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .errors import BuildError, InputError
from .pipeline import build


def serve(root: Path, industry_id: str, port: int) -> None:
    """Serve ``industry_id`` at http://127.0.0.1:PORT/ until interrupted."""
    from mkdocs.livereload import LiveReloadServer

    out = Path(tempfile.mkdtemp(prefix="trainkit-serve-")) / "dist"
    build(root, out, [industry_id])  # the first build must succeed; errors go to the CLI

    def rebuild() -> None:
        try:
            result = build(root, out, [industry_id])
            print(f"Rebuilt {industry_id} in {result.seconds:.1f} s", flush=True)
        except InputError as err:
            for problem in err.problems:
                print(problem, file=sys.stderr, flush=True)
            print("Still serving the last good build.", file=sys.stderr, flush=True)
        except BuildError as err:
            print(f"Build failed: {err}", file=sys.stderr, flush=True)

    server = LiveReloadServer(rebuild, "127.0.0.1", port, str(out / industry_id))
    for watched in ("content", "templates", "mkdocs.yml", f"industries/{industry_id}.yaml"):
        server.watch(str(root / watched))
    print(f"Serving {industry_id} at http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve()
    finally:
        server.shutdown()
