"""Render the first pages of every PDF edition to PNG, with one contact sheet per edition, to look at.

    .venv/bin/python scripts/visual_check.py [--dist dist] [--industry ID] [--pages 6] [--out build-output/pages]

Uses poppler's pdftoppm (installed by `make test`). Open the contact sheets with any image viewer.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from PIL import Image


def contact_sheet(pages: list[Path], target: Path, columns: int = 4) -> None:
    images = [Image.open(page).convert("RGB") for page in pages]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    rows = (len(images) + columns - 1) // columns
    sheet = Image.new("RGB", (width * columns, height * rows), "white")
    for index, image in enumerate(images):
        sheet.paste(image, ((index % columns) * width, (index // columns) * height))
    sheet.save(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--industry", action="append")
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--first", type=int, default=1, help="first page to render")
    parser.add_argument("--resolution", type=int, default=45)
    parser.add_argument("--out", type=Path, default=Path("build-output/pages"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for pdf in sorted(args.dist.glob("*/downloads/*.pdf")):
        if args.industry and pdf.parent.parent.name not in args.industry:
            continue
        prefix = args.out / pdf.stem
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        if args.first > count:
            continue
        last = min(args.first + args.pages - 1, count)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(args.resolution),
                "-png",
                "-f",
                str(args.first),
                "-l",
                str(last),
                str(pdf),
                str(prefix),
            ],
            check=True,
        )
        pages = sorted(args.out.glob(f"{pdf.stem}-*.png"))
        contact_sheet(pages, args.out / f"{pdf.stem}.sheet.png")
        for page in pages:
            page.unlink()
        print(args.out / f"{pdf.stem}.sheet.png")


if __name__ == "__main__":
    main()
