"""Bare MkDocs + bare WeasyPrint on the pages trainkit renders, with no pipeline around them.

    python benchmarks/bare.py PROJECT WORK [--pdf-ua]   (called by run.py; prints "BARE <seconds>")

Inputs (HTML for each PDF, Markdown and mkdocs.yml for each site) are prepared before the clock
starts; the timed part is only `HTML(...).write_pdf()` and `mkdocs build`, serially. With
``--pdf-ua`` write_pdf() gets the options trainkit uses (PDF/UA-1 tagging and metadata), so the
files are the same kind the build ships; without it, plain write_pdf() as the issue defines bare.
"""

import subprocess
import sys
import time
from pathlib import Path

import weasyprint

sys.path.insert(0, sys.argv[1])
import yaml

from trainkit.pdf import PDF_OPTIONS, edition_html
from trainkit.site import site_config, write_docs
from trainkit.sources import load_sources, render_all

root, work = Path(sys.argv[1]), Path(sys.argv[2])
options = PDF_OPTIONS if "--pdf-ua" in sys.argv[3:] else {}
sources = load_sources(root)
rendered = render_all(sources, sources.industries)
prepared = []
for industry_id, editions in rendered.items():  # prepare inputs outside the timed part
    htmls = [
        (e.edition.filename(industry_id), edition_html(root, e)) for e in editions.values() if e.edition.output == "pdf"
    ]
    docs = work / industry_id / "docs"
    write_docs(root, editions["site"], docs, [])
    config = site_config(root, editions["site"], docs, work / industry_id / "site")
    config["strict"] = False  # bare MkDocs: the download links point at files it is not given
    (work / industry_id / "mkdocs.yml").write_text(yaml.safe_dump(config))
    prepared.append((industry_id, htmls))
base = (root / "templates" / "print").as_uri() + "/"
t = time.perf_counter()
for industry_id, htmls in prepared:
    for name, html in htmls:
        weasyprint.HTML(string=html, base_url=base).write_pdf(work / name, **options)
    config = str(work / industry_id / "mkdocs.yml")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", config], check=True)
print(f"BARE {time.perf_counter() - t}")
