"""Shared by the tests of the repository (not of the notebooks: those run with `nbdev_test`).

`tools/` is put on the import path, so that tests can `import docsite` (the documentation builder, `tools/docsite.py`).
The `docs_site` fixture is the site in `_docs/`: as `python tools/docsite.py` just built it, or rebuilt when a notebook,
a module or the builder is newer."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT/'tools'
DOCS = ROOT/'_docs'
if str(TOOLS) not in sys.path: sys.path.insert(0, str(TOOLS))


def site_is_fresh():
    "Whether `_docs/` was built after the last change to the notebooks, the package, the builder and the repository's pages."
    index = DOCS/'index.html'
    if not index.exists(): return False
    folders = ('nbs', 'gini_loss', 'tools', 'benchmarks/results')  # and the pages of the repository the site shows
    sources = [f for d in folders for f in (ROOT/d).rglob('*') if f.is_file() and '__pycache__' not in f.parts] + [ROOT/'CONTRIBUTING.md']
    return index.stat().st_mtime > max(f.stat().st_mtime for f in sources)


@pytest.fixture(scope='session')
def docs_site():
    "The built site: (its folder, its pages relative to it), rebuilt first unless fresh."
    if not site_is_fresh():
        from fastcore.xtras import working_directory
        from docsite import build_site
        with working_directory(ROOT): build_site()
    pages = sorted(f.relative_to(DOCS).as_posix() for f in DOCS.rglob('*.html') if f.relative_to(DOCS).parts[0] != 'site_libs')
    return DOCS, pages
