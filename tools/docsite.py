#!/usr/bin/env python
"""Build the documentation site in `_docs/` from the notebooks, without Quarto and without a network.

A developer tool of the repository, not part of the installed `gini_loss` package. Run it from the repository root, with the
`dev` extra installed (`pip install -e ".[dev]"`):

    python tools/docsite.py                     # build _docs/ from the outputs saved in the notebooks
    python tools/docsite.py --run_nbs           # execute every notebook in place first, to refresh those outputs
    python tools/docsite.py --readme README.md  # also render README.md from nbs/index.ipynb
    python -m http.server -d _docs              # then read the site at http://localhost:8000

nbdev 2 builds its documentation with Quarto (`nbdev_docs`), which this project keeps for those who have it: `_quarto.yml` sits
at the top level and `nbs/_quarto.yml` links to it. Where Quarto cannot be installed, this script builds the same site from the
same source:

1. nbdev's notebook processing (the processors `nbdev_docs` runs before Quarto, `nbdev.processors.FilterDefaults`) writes
   processed copies of the notebooks: front matter from the title cell, `show_doc` cells added after every exported definition
   and executed, hidden and exported cells removed, backticked symbol names turned into links;
2. nbconvert renders each processed notebook, honouring the Quarto cell options nbdev leaves behind (`echo: false`,
   `output: asis`, `include: false`, `code-fold`), and the result is wrapped in pages with a navigation sidebar, a table of
   contents, and MathJax copied from the `django-static-mathjax` package, so that formulas render offline;
3. the repository's own Markdown pages join the site (`REPO_PAGES`: every results page under `benchmarks/results/`, found when
   the site is built, and `CONTRIBUTING.md`), at their path in the repository, `.md` made `.html`.

Every link works where the site is read: links into the site and the repository are made relative (`local_url`), and a link to
a repository or documentation host is made only when the package's settings name one (`link_settings`). README.md gets the
same treatment for a file at the repository's root (`readme_url`).

Notebooks are not executed by a build: a page shows the outputs saved in its notebook (`--run_nbs` refreshes them first).

Tests: `tests/test_docsite_build.py` checks these functions on small made-up notebooks; `tests/test_docsite.py` opens every page
of the real site in headless Chromium; `tests/test_links.py` follows every link of README.md and of the site.
"""

import ast, configparser, copy, html, posixpath, re, shutil, sys, tempfile, time, urllib.parse, yaml
from functools import partial
from pathlib import Path

import jinja2, nbformat
from fastcore.basics import defaults, str2bool
from fastcore.parallel import parallel
from fastcore.script import anno_parser
from fastcore.xtras import globtastic, working_directory
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import ExtractOutputPreprocessor
from nbdev.clean import nbdev_clean
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.process import extract_directives
from nbdev.processors import FilterDefaults, exec_show_docs
import nbdev.serve_drv
from pygments.formatters import HtmlFormatter


# ## Page names and anchors
# Pages keep the names Quarto gives them, because nbdev's symbol index (`_modidx.py`) links to them: the notebook's name in
# lower case, its number prefix dropped, in the same folder (the rule of `nbdev.doclinks._nbpath2html`).
def page_path(nb:str, # Notebook path, relative to the notebooks folder
             )->str: # Path of its page, relative to the site root
    "The page nbdev's links expect for notebook `nb`: `00_core.ipynb` -> `core.html`."
    p = Path(nb)
    return p.with_name(re.sub(r'^\d+[a-zA-Z0-9]*_', '', p.name.lower())).with_suffix('.html').as_posix()


# The index links `gini_loss.core.gini_loss` to `core.html#gini_loss` and a method `Learner.fit` to `#learner.fit`: Pandoc's
# identifiers, the heading text in lower case with punctuation other than `_`, `-` and `.` removed and spaces turned into dashes.
# Pandoc also drops everything before the first letter; here a leading underscore is kept, so that a private helper given a
# `show_doc` gets the anchor `#_name` its link points to.
def anchor_id(text:str, # Heading text; HTML tags in it are ignored
             )->str: # The heading's id
    "The id Pandoc (so Quarto) gives a heading: what nbdev's symbol links point to."
    s = html.unescape(re.sub(r'<[^>]+>', '', text)).strip().lower()
    s = re.sub(r'\s+', '-', re.sub(r'[^\w\s.-]', '', s))
    return re.sub(r'^[\W\d]+', '', s) or 'section'


# ## nbdev's processing
# `nbdev_docs` runs every code cell that imports something, so that the `show_doc` cells can find what they document. A cell that
# also holds tests or a training run (nbdev warns: "Found cells containing imports and other code") then runs whole, on every docs
# build: minutes of training, and a failure when the cell needs a name defined by a cell that did not run. Here such a cell runs
# only its imports, which is all `show_doc` needs; exported cells, `show_doc` cells and cells made only of imports run as in nbdev.
_show_dirs = {'export', 'exports', 'exporti', 'exec_doc'}
_import_types = (ast.Import, ast.ImportFrom)

def _mixed_imports(cell):
    "The top-level imports of a cell nbdev runs for the docs only because it imports, when it holds other code too; else `None`."
    if cell.cell_type != 'code' or not cell.source or 'nbdev_export' + '()' in cell.source: return None
    direc = cell.get('directives_') or {}
    if direc.keys() & _show_dirs or direc.get('eval:', [''])[0].lower() == 'false': return None
    trees = cell.parsed_()
    if not trees or not any(isinstance(n, _import_types) for t in trees for n in ast.walk(t)): return None
    calls = [t.value.func for t in trees if isinstance(t, ast.Expr) and isinstance(t.value, ast.Call)]
    if any(isinstance(f, ast.Name) and f.id == 'show_doc' for f in calls): return None
    imports = [t for t in trees if isinstance(t, _import_types)]
    return None if len(imports) == len(trees) else '\n'.join(ast.unparse(t) for t in imports)


# `_DocsFilter` is nbdev's `FilterDefaults` with that one processor swapped, and `process_nbs` applies it to every notebook in
# parallel processes, the way `nbdev.serve.proc_nbs` does, writing to a folder of its own rather than nbdev's `_proc/` cache.
# Each notebook is processed as `nbdev_test` runs it, in its own folder and with that folder importable.
class _exec_api_cells(exec_show_docs):
    "nbdev's `exec_show_docs`, with the notebook's folder on the path, running only the imports of a cell that mixes imports with other code."
    def begin(self):
        super().begin()
        # As `nbdev_test` runs a notebook: its folder importable (helpers beside the notebooks, such as `nbs/testkit.py`).
        if hasattr(self, 'k') and getattr(self.nb, 'path_', None): self.k.set_path(Path(self.nb.path_).resolve())

    def __call__(self, cell):
        imports = _mixed_imports(cell)
        if imports is None: return super().__call__(cell)
        fm = getattr(self.nb, 'frontmatter_', {})
        if not imports or not self.nb.has_docs_ or not hasattr(self, 'k') or str2bool(fm.get('skip_showdoc', False)): return
        self.k.run(imports)
        if self.k.exc: raise Exception(f"Error in notebook {fm.get('title', '')}, in the imports of cell {cell.idx_}:\n{imports}") from self.k.exc

class _DocsFilter(FilterDefaults):
    "nbdev's processors for the docs, `exec_show_docs` replaced by `_exec_api_cells`."
    def base_procs(self): return [_exec_api_cells if p is exec_show_docs else p for p in super().base_procs()]

def _process_nb(args):
    "nbdev's docs processing of one notebook, `(source, destination, processor)`, in the notebook's folder as `nbdev_test` runs it."
    src, dst, proc = args
    src, dst = Path(src).resolve(), Path(dst).resolve()
    with working_directory(src.parent): nbdev.serve_drv.main((src, dst, proc))

def check_notebook(path:Path, # A notebook file
                  ):
    "Raise a `ValueError` naming `path` and the broken cell if it is not a valid notebook (nbconvert would fail on it mid-build)."
    try: nbformat.validate(nbformat.read(path, as_version=4), relax_add_props=True)  # as strict as nbconvert
    except nbformat.ValidationError as e:
        where = ''.join(f'[{p!r}]' for p in e.absolute_path)
        raise ValueError(f"{path} is not a valid notebook: {e.message} at {where or 'the top'}") from None

def process_nbs(nbs:Path, # Notebooks folder
                dest:Path, # Folder for the processed notebooks
                n_workers:int=None, # Processes to use (one per CPU if `None`)
                files:list=None, # Notebooks to process, relative to `nbs` (all if `None`)
               )->list: # The notebooks processed, relative to `nbs`
    "nbdev's docs processing of the notebooks in `nbs` into `dest`, imports of mixed cells only executed."
    files = [Path(f) for f in files] if files is not None else [f.relative_to(nbs) for f in nbglob(nbs, as_path=True)]
    for f in files: check_notebook(nbs/f)
    for f in files: (dest/f).parent.mkdir(parents=True, exist_ok=True)
    parallel(_process_nb, [(nbs/f, dest/f, _DocsFilter) for f in files], n_workers=n_workers or defaults.cpus, method='spawn', pause=0.01)
    return files


# ## Quarto cell options
# After nbdev's processing, a code cell may still start with Quarto options, `#| key: value` lines: `show_doc` cells carry
# `echo: false` and `output: asis`, exported cells shown with `#| exports` carry `code-fold`.
_re_opt = re.compile(r'^\s*#\|\s*(.*?)\s*$')

def cell_options(source:str, # Source of a code cell
                )->tuple: # The options as a dict, and the source without the option lines
    "Quarto options of a code cell (its leading `#| key: value` lines), and the code below them."
    lines, opts = source.splitlines(), {}
    while lines and _re_opt.match(lines[0]):
        k, colon, v = _re_opt.match(lines.pop(0)).group(1).partition(':')
        if k.strip(): opts[k.strip()] = yaml.safe_load(v) if colon and v.strip() else True
    return opts, '\n'.join(lines)


# `quarto_cells` applies the options the way Quarto does: `include: false` drops the cell, `echo: false` hides the code,
# `output: false` the outputs, and the Markdown output of an `output: asis` cell becomes part of the page's text, so that a
# `show_doc` heading is a real heading with an anchor. Each `show_doc` entry (the output of a cell with a line that starts with
# `show_doc(`) is marked `doc_entry`, for the page to frame it and for the tests to find it.
def _asis_text(output):
    "The text an output of an `output: asis` cell stands for: its Markdown, HTML, stream text or plain text, the first it has, else `None`."
    data = output.get('data', {})
    if 'text/markdown' in data: return data['text/markdown']
    if 'text/html' in data: return data['text/html']
    if output.get('output_type') == 'stream': return output['text']
    return data.get('text/plain')

def _asis_markdown(cell):
    "The outputs of an `output: asis` cell as the Markdown they stand for."
    texts = (_asis_text(o) for o in cell.get('outputs', []))
    return '\n\n'.join(''.join(t) for t in texts if t is not None)

_re_show_doc = re.compile(r'^show_doc\(', re.MULTILINE)

def quarto_cells(cells:list, # Cells of a notebook processed by nbdev (`nbformat` nodes)
                )->list: # The cells to render, Quarto's options applied and removed
    "Cells as Quarto shows them: `include`, `echo`, `output` and `code-fold` applied, `asis` output turned into text."
    res = []
    for cell in cells:
        if cell.cell_type == 'raw': continue
        if cell.cell_type != 'code':
            res.append(cell)
            continue
        opts, cell.source = cell_options(cell.source)
        if opts.get('include') is False: continue
        if opts.get('output') is False: cell.outputs = []
        if opts.get('code-fold'): cell.metadata.update(code_fold=str(opts['code-fold']).lower(), code_summary=opts.get('code-summary', 'Code'))
        if opts.get('echo') is False: cell.metadata['transient'] = {'remove_source': True}
        asis = _asis_markdown(cell) if opts.get('output') == 'asis' else None
        if asis is not None: cell.outputs = []
        if cell.source.strip() and opts.get('echo') is not False or cell.get('outputs'): res.append(cell)
        if asis: res.append(nbformat.v4.new_markdown_cell(asis, metadata={'doc_entry': bool(_re_show_doc.search(cell.source))}))
    return res


# ## Markdown the way Pandoc reads it
# nbdev writes two bits of Pandoc Markdown that CommonMark does not know: link attributes, as in `show_doc`'s
# `[source](url){target="_blank"}`, and fenced divs, `::: {.callout-note}` ... `:::`. Both become HTML, which Markdown passes through.
_re_attr_link = re.compile(r'\[([^\]]*)\]\(([^)\s]+)\)\{([^}]*)\}')
_re_attr = re.compile(r'(?:\.([\w-]+))|(?:#([\w-]+))|(?:([\w-]+)=("[^"]*"|\S+))')
_re_div = re.compile(r'^:{3,}\s*(?:\{([^}]*)\}|([\w-]+))?\s*$')

def _html_attrs(attrs):
    "Pandoc attributes `{.cls #id k=v}` as HTML attributes."
    found = _re_attr.findall(attrs)
    classes = [cls for cls, *_ in found if cls]
    res = [f'id="{id_}"' if id_ else f'{k}="{html.escape(v.strip(chr(34)))}"' for cls, id_, k, v in found if not cls and (id_ or k)]
    return ' '.join(([f'class="{" ".join(classes)}"'] if classes else []) + res)

def _div(m):
    "A fenced div fence as an HTML tag: `::: {.cls}` opens, `:::` closes."
    attrs = m.group(1) or (f'.{m.group(2)}' if m.group(2) else None)
    if attrs is None: return '\n</div>\n'
    return f'<div {_html_attrs(attrs)}>\n'.replace('class="callout-', 'class="callout callout-')

def pandoc_md(md:str, # Markdown as nbdev writes it for Quarto
             )->str: # The same Markdown with Pandoc's link attributes and fenced divs as HTML
    "Pandoc-only Markdown (link attributes, fenced divs) turned into HTML that any Markdown renderer passes through."
    md = _re_attr_link.sub(lambda m: f'<a href="{m.group(2)}" {_html_attrs(m.group(3))}>{m.group(1)}</a>', md)
    return '\n'.join(_re_div.sub(_div, l) for l in md.splitlines())


# ## Rendering a page
# nbconvert's `basic` template renders the cells (Pygments for code, outputs by MIME type, figures extracted to files beside the
# page). The exporter changes three things: headings get Pandoc's ids (numbered `-1`, `-2` when repeated on a page, as Pandoc does)
# and the level-2 and level-3 ones make the table of contents; `show_doc` entries are framed; cells with `code-fold` are folded.
# One departure from Pandoc: when a section heading has the same text as an API entry (a section "`create_model`" above
# `show_doc(create_model)`), the entry keeps the plain id, so that nbdev's symbol links land on the entry.
_CELLS_TEMPLATE = '''{%- extends 'basic/index.html.j2' -%}
{% block markdowncell scoped %}
{%- if cell.metadata.get('doc_entry') -%}<div class="doc-entry">{{ super() }}</div>{%- else -%}{{ super() }}{%- endif -%}
{% endblock markdowncell %}
{% block input_group -%}
{%- if cell.metadata.get('code_fold') -%}
<details class="code-fold"{% if cell.metadata.code_fold == 'show' %} open{% endif %}><summary>{{ cell.metadata.code_summary | e }}</summary>{{ super() }}</details>
{%- else -%}{{ super() }}{%- endif -%}
{% endblock input_group %}
'''

class _HeadingRenderer(IPythonRenderer):
    "Markdown renderer giving headings Pandoc's ids, unique on the page, and noting them for the table of contents."
    def __init__(self, page, doc_entry=False, **kwargs):
        super().__init__(escape=False, **kwargs)
        self.page, self.doc_entry = page, doc_entry
    def _unique(self, hid):
        "`hid`, numbered `-1`, `-2` when the page already has it, or when an API entry of the page will take it."
        ids = self.page.ids
        if hid in self.page.api_ids: ids.setdefault(hid, 1)
        n = ids.get(hid, 0)
        ids[hid] = n + 1
        return f'{hid}-{n}' if n else hid
    def heading(self, text, level, **attrs):
        hid, api = anchor_id(text), self.page.api_ids
        if self.doc_entry and hid in api: api.discard(hid)
        else: hid = self._unique(hid)
        if level in (2, 3): self.page.toc.append((level, hid, re.sub(r'<[^>]+>', '', text)))
        return f'<h{level} id="{hid}" class="anchored">{text}<a class="anchor-link" href="#{hid}" aria-label="Link to this heading">#</a></h{level}>\n'

_re_md_heading = re.compile(r'^#{1,6}\s+(.+?)\s*#*\s*$', re.MULTILINE)

class _PageExporter(HTMLExporter):
    "nbconvert's basic HTML, with the heading ids and table of contents of one page."
    def __init__(self, **kwargs):
        super().__init__(template_name='basic', template_file='cells.html.j2', exclude_input_prompt=True, exclude_output_prompt=True,
                         extra_loaders=[jinja2.DictLoader({'cells.html.j2': _CELLS_TEMPLATE})], **kwargs)
        self.register_preprocessor(ExtractOutputPreprocessor(), enabled=True)

    def from_notebook_node(self, nb, resources=None, **kw):
        self.ids, self.toc = {}, []
        self.api_ids = {anchor_id(h) for c in nb.cells if c.metadata.get('doc_entry') for h in _re_md_heading.findall(c.source)}
        return super().from_notebook_node(nb, resources, **kw)

    @jinja2.pass_context
    def markdown2html(self, context, source):
        cell = context.get('cell', {})
        renderer = _HeadingRenderer(self, cell.get('metadata', {}).get('doc_entry', False), attachments=cell.get('attachments', {}))
        return MarkdownWithMath(renderer=renderer).render(pandoc_md(source))


# Links have to work where the site is read, on a laptop or on a web server, and lead only to places that exist. nbdev writes its
# symbol links from the settings recorded in the package's symbol index (`_modidx.py`): absolute addresses on the documentation host
# (`https://host/gini_loss/core.html#gini_loss`) when settings.ini names one, `/gini_loss/core.html#gini_loss` when `doc_host` is
# empty; and a `show_doc` entry's "source" link into the repository named by `git_url`. `link_settings` reads those settings as
# nbdev does; a setting that is missing or empty is `None` (nbdev's default `git_url` refers to a `user` that may be missing too).
def _setting(cfg, key):
    "settings.ini's `key`, `None` when it is missing, empty, or refers to a missing setting."
    try: return cfg.get(key) or None
    except (configparser.Error, KeyError): return None

def link_settings(cfg=None, # nbdev's config (`get_config()` if `None`)
                 )->tuple: # (address nbdev's symbol links start with, or `None`; the repository's address, or `None`)
    "Where nbdev's links point: the site, and the repository (`None` when unset), from the package's `_modidx.py` as nbdev reads them."
    cfg = cfg or get_config()
    idx = Path(cfg.config_path)/(_setting(cfg, 'lib_path') or cfg.lib_name)/'_modidx.py'
    s = ast.literal_eval(idx.read_text().split('=', 1)[1])['settings'] if idx.exists() else {}
    if not s: s = {k: _setting(cfg, k) for k in ('doc_host', 'doc_baseurl', 'git_url')}
    # nbdev leaves its links relative when the index records no `doc_host`, else joins it with `doc_baseurl` (`_qual_sym`)
    site = urllib.parse.urljoin((s['doc_host'] or '') + '/', s.get('doc_baseurl') or '').rstrip('/') if 'doc_host' in s else None
    return site, s.get('git_url') or None


# A page's relative links start from its source: a notebook in `nbs/`, or a Markdown page elsewhere in the repository, such as a
# benchmark's results. The site mirrors the repository with the notebooks folder as its root: `nbs/00_core.ipynb` is `core.html`,
# `benchmarks/results/regimes/README.md` is `benchmarks/results/regimes/README.html`, and any other file keeps its path.
def site_path(path:str, # A file's path relative to the repository root, e.g. `nbs/00_core.ipynb`
              nbs:str='nbs', # The notebooks folder, relative to the repository root
             )->str: # Its path in the site, `None` for a path outside the repository
    "Where a repository file is in the site: a notebook as its page, a Markdown file as a page of the same name, others as they are."
    path = posixpath.normpath(path)
    if path == '..' or path.startswith('../'): return None
    if path.startswith(nbs + '/'):
        path = path[len(nbs) + 1:]
        return page_path(path) if path.endswith('.ipynb') else path
    return path[:-3] + '.html' if path.endswith('.md') else path

def _in_site(url, site_url):
    "`(page, anchor)` of a link nbdev wrote to a page of the site at `site_url`, else `None`."
    if site_url is None or not (url == site_url or url.startswith(site_url + '/') or url.startswith(site_url + '#')): return None
    path, _, frag = url[len(site_url):].lstrip('/').partition('#')
    return path or 'index.html', frag

def _in_repo(url, page, src_dir, nbs):
    "`(site path, anchor)` of a relative link `url` on `page` to a file of the repository, else `None`."
    path, _, frag = url.partition('#')
    target = site_path(posixpath.join(src_dir or posixpath.join(nbs, posixpath.dirname(page)), path), nbs)
    return (target, frag) if path and target is not None else None

def local_url(url:str, # A link target found on a page
              page:str, # That page's path relative to the site root, e.g. `core.html`
              site_url:str=None, # Where nbdev's symbol links start (`link_settings`); `None` if they are relative
              src_dir:str=None, # Folder of the page's source relative to the repository root (`nbs` + the page's folder if `None`)
              nbs:str='nbs', # The notebooks folder, relative to the repository root
             )->str: # The link target, relative to the page when it points into the site or the repository
    "Make `url` relative to `page` when it points to the site itself, to a notebook, or to a file of the repository."
    absolute = re.match(r'^[a-zA-Z][\w+.-]*:|^#|^/', url)
    found = _in_site(url, site_url) or (None if absolute else _in_repo(url, page, src_dir, nbs))
    if found is None: return url
    target, frag = found
    return posixpath.relpath(target, posixpath.dirname(page) or '.') + (f'#{frag}' if frag else '')


# `render_page` puts the pieces together for one processed notebook: the front matter nbdev wrote (title, description), the cells
# as Quarto shows them, nbconvert's HTML with links made local, the table of contents, and the figures to write beside the page.
# A `show_doc` entry's "source" link is kept only when it leads into the repository named by `git_url`: without one, nbdev still
# writes it (to `/blob/main/...`), and the page's folded "Exported source" shows the code anyway.
def _front_matter(nb):
    "The YAML front matter nbdev puts in a raw cell at the top of a processed notebook."
    for cell in nb.cells:
        m = re.match(r'^\s*---\s*\n(.*?)\n---\s*$', cell.source, re.DOTALL) if cell.cell_type == 'raw' else None
        if m: return yaml.safe_load(m.group(1)) or {}
    return {}

def _inline_md(text):
    "Markdown of one line (a title) as inline HTML: a leading `#`, `>` or `-` stays text, as in Pandoc's metadata."
    text = re.sub(r'^(\s*)([#>*+-]|\d+[.)])', r'\1\\\2', text)
    return re.sub(r'^<p>|</p>\s*$', '', MarkdownWithMath(renderer=IPythonRenderer(escape=False)).render(text).strip())

_re_source_link = re.compile(r'<p>\s*<a href="([^"]*)"[^>]*>source</a>\s*</p>\n?')

def _source_links(body, repo_url):
    "`body` without the `show_doc` source links that do not lead into the repository at `repo_url` (all of them if `None`)."
    keep = lambda url: bool(repo_url) and html.unescape(url).startswith(repo_url.rstrip('/') + '/')
    return _re_source_link.sub(lambda m: m.group(0) if keep(m.group(1)) else '', body)

def render_page(nb:nbformat.NotebookNode, # A notebook processed by nbdev (`process_nbs`), as `nbformat.read` reads it
                page:str, # Path of its page relative to the site root, e.g. `core.html`
                site_url:str=None, # Where nbdev's symbol links start, for `local_url`
                repo_url:str=None, # The repository's address: "source" links lead there, or are left out if `None`
                src_dir:str=None, # Folder of the page's source relative to the repository root, for `local_url`
                nbs:str='nbs', # The notebooks folder relative to the repository root, for `local_url`
               )->dict: # `title`, `description` (HTML), `body` (HTML), `toc` [(level, id, text)], `files` {path: bytes}
    "Render one processed notebook to the parts of its page."
    nb = copy.deepcopy(nb)
    fm = _front_matter(nb)
    nb.cells = quarto_cells(nb.cells)
    stem = posixpath.splitext(posixpath.basename(page))[0]
    exporter = _PageExporter()
    body, res = exporter.from_notebook_node(nb, resources={'output_files_dir': f'{stem}_files', 'unique_key': stem})
    local = lambda m: f'{m.group(1)}="{html.escape(local_url(html.unescape(m.group(2)), page, site_url, src_dir, nbs))}"'
    body = re.sub(r'\b(href|src)="([^"]*)"', local, _source_links(body, repo_url))
    folder = posixpath.dirname(page)
    return dict(title=_inline_md(str(fm.get('title', stem))), description=_inline_md(fm['description']) if fm.get('description') else '',
                body=body, toc=exporter.toc, files={posixpath.join(folder, k): v for k, v in res.get('outputs', {}).items()})


# A Markdown file of the repository, such as a benchmark's results page, becomes a page too: `md_notebook` makes it a notebook like
# the ones nbdev processes, its first `# ` heading as the title, for `render_page`.
def md_notebook(md:str, # A Markdown file's text
                title:str=None, # The page's title if the text has no `# ` heading (else the page's name)
               )->nbformat.NotebookNode: # A notebook `render_page` takes: front matter with the title, then one Markdown cell
    "A Markdown page as a processed notebook: its first level-1 heading is the title, the rest one Markdown cell."
    m = re.search(r'^# +(.+?)\s*#*\s*$', md, re.MULTILINE)
    if m: title, md = m.group(1), md[:m.start()] + md[m.end():]
    front = nbformat.v4.new_raw_cell('---\n' + yaml.safe_dump({'title': title} if title else {}, allow_unicode=True) + '---')
    return nbformat.v4.new_notebook(cells=[front, nbformat.v4.new_markdown_cell(md.strip())])


# nbdev links every backticked name found in its symbol index, private helpers included (`_download_into`), but gives API entries
# only to public names: such a link would point to an anchor that exists nowhere. Once all pages are rendered, `_unlink_private`
# turns those links back into plain code.
def _unlink_private(body, page, ids):
    "Drop the links of `body` (on `page`) to `#_private` anchors that `ids` ({page: its ids}) does not hold."
    def _link(m):
        path, _, frag = m.group(1).partition('#')
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
        return m.group(0) if frag in ids.get(target, ()) else m.group(2)
    return re.sub(r'<a href="([^"#]*#_[^"]*)">(<code>[^<]*</code>)</a>', _link, body)


# ## The site
# Every page shares a navigation sidebar listing all the pages (the index first, notebooks in a subfolder under the folder's name,
# as `nbdev_sidebar` orders them, then the repository's pages by section), a navigation bar with a link to the repository when
# there is one, a table of contents, a stylesheet, and MathJax 3: its single-file SVG build, from the PyPI
# package `django-static-mathjax`, copied into `site_libs/` with the extensions it loads on demand (about 6 MB), so that formulas
# typeset without a network.
_PAGE = '''<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{head_title}</title>
<meta name="description" content="{meta_description}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{root}site_libs/site.css">
{extra_css}<script src="{root}site_libs/mathjax-config.js"></script>
<script defer id="MathJax-script" src="{root}site_libs/mathjax/tex-svg.js"></script>
</head>
<body>
<header class="navbar"><a class="brand" href="{root}index.html">{site_title}</a>{repo_link}</header>
<div class="page">
<nav class="sidebar" aria-label="Pages">{nav}</nav>
<main class="content">
<header class="title-block"><h1 class="title">{title}</h1>{description}</header>
{body}
</main>
<nav class="toc" aria-label="On this page">{toc}</nav>
</div>
</body>
</html>
'''

_MATHJAX_CONFIG = '''window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']], processEscapes: true},
  svg: {fontCache: 'global'}
};
'''

# A wide table scrolls in its own box (`table` is a scrolling block), as a long command does (`pre`); a long word of inline code breaks.
_SITE_CSS = '''
:root { --primary: #2780e3; --border: #dee2e6; --muted: #6c757d; --code-bg: #f7f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #212529; line-height: 1.55; }
a { color: var(--primary); text-decoration: none; } a:hover { text-decoration: underline; }
.navbar { position: sticky; top: 0; z-index: 10; display: flex; align-items: center; padding: .6rem 1.5rem; background: var(--primary); }
.navbar a { color: #fff; } .navbar .brand { font-size: 1.25rem; font-weight: 600; } .navbar .repo { margin-left: auto; font-size: .95rem; }
.page { display: grid; grid-template-columns: 15rem minmax(0, 1fr) 13rem; gap: 2.5rem; max-width: 92rem; margin: 0 auto; padding: 0 1.5rem; }
.sidebar, .toc { position: sticky; top: 3.2rem; align-self: start; max-height: calc(100vh - 3.5rem); overflow-y: auto; padding: 2rem 0; font-size: .9rem; }
.sidebar ul, .toc ul { list-style: none; margin: 0; padding: 0; }
.sidebar a { display: block; padding: .3rem .6rem; color: #343a40; border-radius: .3rem; }
.sidebar a.active { background: #e9f2fc; color: var(--primary); font-weight: 600; }
.sidebar .section { margin: 1rem 0 .2rem; padding: 0 .6rem; font-weight: 600; color: var(--muted); }
.sidebar .level-1 a { padding-left: 1.4rem; font-size: .85rem; }
.toc h2 { margin: 0 0 .5rem; font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); border: none; }
.toc a { display: block; padding: .15rem .6rem; color: var(--muted); border-left: 1px solid var(--border); overflow-wrap: anywhere; }
.toc .toc-3 a { padding-left: 1.3rem; font-size: .85rem; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
main.content { min-width: 0; padding: 2rem 0 5rem; }
.title-block { margin-bottom: 1.5rem; padding-bottom: 1rem; border-bottom: 1px solid var(--border); }
h1.title { margin: 0 0 .4rem; font-size: 2.2rem; line-height: 1.2; } .description { margin: 0; font-size: 1.15rem; color: var(--muted); }
h2 { margin: 2.5rem 0 1rem; padding-bottom: .3rem; border-bottom: 1px solid var(--border); font-size: 1.6rem; }
h3 { margin: 1.8rem 0 .8rem; font-size: 1.3rem; }
.anchor-link { visibility: hidden; margin-left: .4rem; font-size: .8em; color: var(--muted); }
h2:hover .anchor-link, h3:hover .anchor-link, h4:hover .anchor-link { visibility: visible; }
code { font-family: SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .875em; }
p code, li code, td code, h1 code, h2 code { padding: .1rem .3rem; background: #f1f3f5; border-radius: .2rem; color: #7d12ba; }
p code, li code { overflow-wrap: anywhere; }
a code { color: inherit; }
pre { margin: 0; padding: .75rem 1rem; overflow-x: auto; background: var(--code-bg); border: 1px solid var(--border); border-radius: .3rem; font-size: .85rem; line-height: 1.45; }
.cell { margin: 1rem 0; }
.output_wrapper { margin-top: .4rem; }
.output_area pre { background: #fff; border: none; border-left: 3px solid var(--border); border-radius: 0; }
.output_stderr pre { background: #fff5f5; }
main.content img { max-width: 100%; height: auto; }
table { display: block; max-width: 100%; overflow-x: auto; margin: 1rem 0; border-collapse: collapse; font-size: .9rem; } th, td { padding: .35rem .75rem; border-bottom: 1px solid var(--border); text-align: left; }
blockquote { margin: 1rem 0; padding: .3rem 1rem; border-left: 4px solid var(--border); color: #495057; }
.doc-entry hr { margin: 2.2rem 0 .6rem; border: none; border-top: 1px solid var(--border); }
.doc-entry h3 { margin-top: .3rem; font-family: SFMono-Regular, Menlo, Consolas, monospace; }
.doc-entry blockquote { font-family: SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
details.code-fold summary { margin-bottom: .3rem; color: var(--muted); font-size: .9rem; cursor: pointer; }
.callout { margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid var(--primary); background: #f3f8fd; }
mjx-container[display="true"] { overflow-x: auto; overflow-y: hidden; }
@media (max-width: 1100px) { .page { grid-template-columns: 13rem minmax(0, 1fr); } .toc { display: none; } }
@media (max-width: 720px) { .page { grid-template-columns: minmax(0, 1fr); } .sidebar { position: static; max-height: none; padding-bottom: 0; } }
'''


def _nav(pages, page, root):
    "Sidebar: a link to every page, grouped in sections, the current one marked."
    items, section = [], ''
    for p in pages:
        if p['section'] != section:
            section = p['section']
            items.append(f'<li class="section">{html.escape(section)}</li>')
        active = ' class="active" aria-current="page"' if p['page'] == page else ''
        items.append(f'<li class="level-{p.get("level", 0)}"><a href="{root}{p["page"]}"{active}>{p["title"]}</a></li>')
    return '<ul>\n' + '\n'.join(items) + '\n</ul>'

def _toc(entries):
    "Table of contents from the `(level, id, text)` of a page's headings."
    if not entries: return ''
    items = ''.join(f'<li class="toc-{level}"><a href="#{hid}">{text}</a></li>' for level, hid, text in entries)
    return f'<h2>On this page</h2><ul>{items}</ul>'


def _copy_mathjax(dest):
    "Copy MathJax 3 (tex-svg build and the components it loads on demand) from `django-static-mathjax` into `dest`."
    try: import mathjax
    except ImportError: raise ImportError("MathJax files not found: pip install django-static-mathjax") from None
    es5 = Path(mathjax.__file__).parent/'static'/'mathjax'/'es5'
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(es5/'tex-svg.js', dest/'tex-svg.js')
    for sub in ('input', 'ui', 'a11y', 'adaptors'): shutil.copytree(es5/sub, dest/sub, dirs_exist_ok=True)
    shutil.copytree(es5/'output'/'svg', dest/'output'/'svg', dirs_exist_ok=True)


# `build_site` processes the notebooks into a temporary folder (nothing is cached, so a page never shows a stale symbol link),
# renders every one, and the repository's Markdown pages of `REPO_PAGES`, and writes the site: the pages, their figures, the other
# files of the notebooks folder (`styles.css`, images), the repository files the pages link to (a script, a results page's plot),
# the stylesheet and MathJax.
def _site_pages(nbs, files):
    "Pages for the notebooks `files` (relative to `nbs`), in sidebar order: index first, subfolders as sections."
    files = sorted(files, key=lambda f: (f.parent.parts, f.name != 'index.ipynb', f.name))
    return [dict(nb=f, page=page_path(f), section=' / '.join(re.sub(r'^\d+_', '', p) for p in f.parent.parts)) for f in files]

# The repository's Markdown pages that belong in the site, by sidebar section: the results page of every benchmark, found when the
# site is built (the benchmark scripts write them), and the guide for contributors.
REPO_PAGES = {'Benchmarks': 'benchmarks/results/**/*.md', 'Development': 'CONTRIBUTING.md'}

def _sidebar_level(f, base):
    "1 (indented) for a Markdown file below a folder of `base` whose README is a page too, else 0."
    folders = [p for p in f.parents if base in p.parents][f.name == 'README.md':]  # a README is the page of its own folder
    return int(any((p/'README.md').is_file() for p in folders))

def _repo_pages(root):
    "Pages for the Markdown files of `REPO_PAGES` in the repository at `root`: a folder's README first, the pages below it indented."
    res = []
    for section, pattern in REPO_PAGES.items():
        base = root/pattern.split('*')[0]
        for f in sorted(root.glob(pattern), key=lambda f: ['' if n == 'README.md' else n for n in f.relative_to(root).parts]):
            md = f.relative_to(root).as_posix()
            res.append(dict(md=md, page=site_path(md), section=section, level=_sidebar_level(f, base)))
    return res

def _assets(nbs):
    "Files of the notebooks folder the pages may use: everything but notebooks, Quarto's and nbdev's own files, hidden ones."
    skip = {'_quarto.yml', 'nbdev.yml', 'sidebar.yml'}
    return [f for f in globtastic(nbs, skip_folder_re=r'^[_.]', skip_file_re=r'^[.]').map(Path)
            if f.suffix != '.ipynb' and f.name not in skip]

def _copy_linked(dest, root, pages):
    "Copy into `dest` the files of the repository at `root` that `pages` link to and the site lacks, at their own path."
    targets = [posixpath.normpath(posixpath.join(posixpath.dirname(p['page']), html.unescape(url)))
               for p in pages for url in re.findall(r'\b(?:href|src)="([^"#:]+)[#"]', p['body'])]  # relative links only
    for target in targets:
        src = (root/target).resolve()
        if target.startswith(('../', '/')) or (dest/target).exists() or not src.is_file() or not src.is_relative_to(root): continue
        (dest/target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest/target)

def _write_page(dest, p, pages, title, repo_url, css):
    "Write page `p` (from `render_page`) and its figures under `dest`, in the site called `title`."
    root = '../' * p['page'].count('/')
    plain_title, plain_desc = (re.sub(r'<[^>]+>', '', p[k]) for k in ('title', 'description'))
    out = dest/p['page']
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_PAGE.format(head_title=html.escape(f"{plain_title} – {title}"), meta_description=html.escape(plain_desc), root=root,
        extra_css=''.join(f'<link rel="stylesheet" href="{root}{c}">\n' for c in css), site_title=html.escape(title),
        repo_link=f'<a class="repo" href="{html.escape(repo_url)}">Source</a>' if repo_url else '',
        nav=_nav(pages, p['page'], root), title=p['title'], description=f'<p class="description">{p["description"]}</p>' if p['description'] else '',
        body=p['body'], toc=_toc(p['toc'])))
    for name, data in p['files'].items():
        (dest/name).parent.mkdir(parents=True, exist_ok=True)
        (dest/name).write_bytes(data)

def _render_all(nbs, root, proc, n_workers, cfg):
    "Every page of the site rendered (`render_page`): the notebooks of `nbs`, processed into `proc`, then `REPO_PAGES`."
    site_url, repo_url = link_settings(cfg)
    nbs_dir = posixpath.relpath(nbs.as_posix(), root.as_posix())
    pages = _site_pages(nbs, process_nbs(nbs, proc, n_workers))
    for p in pages:
        src_dir = posixpath.join(nbs_dir, p['nb'].parent.as_posix())
        p.update(render_page(nbformat.read(proc/p['nb'], as_version=4), p['page'], site_url, repo_url, src_dir, nbs_dir))
    for p in (repo := _repo_pages(root)):
        p.update(render_page(md_notebook((root/p['md']).read_text()), p['page'], site_url, repo_url, posixpath.dirname(p['md']), nbs_dir))
    return pages + repo

def build_site(nbs:str=None, # Notebooks folder (settings.ini `nbs_path` if `None`)
               dest:str=None, # Output folder, replaced (settings.ini `doc_path`, `_docs`, if `None`)
               n_workers:int=None, # Processes for nbdev's notebook processing (one per CPU if `None`)
              )->list: # The pages written, relative to `dest`
    "Build the documentation site from the notebooks' saved outputs and the repository's `REPO_PAGES`: nbdev's processing, then nbconvert. No Quarto."
    cfg = get_config()
    root = Path(cfg.config_path).resolve()
    nbs, dest = Path(nbs or cfg.nbs_path).resolve(), Path(dest or cfg.doc_path).resolve()
    with tempfile.TemporaryDirectory() as proc: pages = _render_all(nbs, root, Path(proc), n_workers, cfg)
    ids = {p['page']: set(re.findall(r'\bid="([^"]+)"', p['body'])) for p in pages}
    for p in pages: p['body'] = _unlink_private(p['body'], p['page'], ids)
    if dest.exists(): shutil.rmtree(dest)
    assets = _assets(nbs)
    for f in assets:
        (dest/f.relative_to(nbs)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dest/f.relative_to(nbs))
    _copy_mathjax(dest/'site_libs'/'mathjax')
    (dest/'site_libs'/'site.css').write_text(_SITE_CSS + HtmlFormatter(style='default').get_style_defs('.highlight'))
    (dest/'site_libs'/'mathjax-config.js').write_text(_MATHJAX_CONFIG)
    css = [f.relative_to(nbs).as_posix() for f in assets if f.suffix == '.css']
    repo_url = link_settings(cfg)[1]
    for p in pages: _write_page(dest, p, pages, cfg.title, repo_url, css)
    _copy_linked(dest, root, pages)
    return [p['page'] for p in pages]


# ## Filling the outputs
# A page shows the outputs saved in its notebook. `run_notebooks` executes notebooks in place with execnb, skipping the cells
# `nbdev_test` skips (`#| eval: false`, and cells flagged with a `tst_flags` flag such as `slow` or `notest` unless it is passed in
# `flags`), saves the outputs (figures as PNG) and cleans the notebook with `nbdev_clean`, which keeps outputs. A cell that runs
# loses its old outputs first: execnb keeps them when the cell now shows nothing (a warning since silenced would stay on the page).
# A notebook whose cell fails is left untouched.
def _skip(cell, skip_flags):
    "Whether `nbdev_test` would skip `cell`: not code, the call that exports, `eval: false`, or a skipped flag."
    if cell.cell_type != 'code' or 'nbdev_export(' in cell.source: return True
    direc = extract_directives(cell, remove=False)
    return direc.get('eval:', [''])[0].lower() == 'false' or bool(skip_flags & direc.keys())

def _skip_or_clear(cell, skip_flags):
    "`_skip`, and the outputs of a cell about to run cleared."
    if _skip(cell, skip_flags): return True
    cell['outputs'] = []
    return False

def _executed(f, skip_flags):
    "Notebook `f` run in its folder, the cells `_skip` skips left as they are; a failing cell raises its traceback."
    nb, shell = read_nb(f), CaptureShell(f)
    with working_directory(f.parent):
        try: shell.run_all(nb, exc_stop=True, preproc=lambda c: _skip_or_clear(c, skip_flags))
        except Exception as e: raise RuntimeError(shell.prettytb(fname=f)) from e
    return nb

def run_notebooks(path:str=None, # A notebook, or a folder of notebooks (settings.ini `nbs_path` if `None`)
                  flags:str='', # Space separated `tst_flags` whose cells should run too
                 )->list: # The notebooks executed
    "Execute notebooks in place, as `nbdev_test` runs them, and save their outputs, cleaned by `nbdev_clean`."
    cfg = get_config()
    path = Path(path or cfg.nbs_path)
    files = [path] if path.is_file() else sorted(nbglob(path, as_path=True))
    skip_flags = set(cfg.tst_flags.split()) - set(flags.split())
    for f in files:
        nb = _executed(f, skip_flags)
        for cell in nb.cells: cell['outputs'] = [o for o in cell.get('outputs', []) if not _progress_text(o)]
        write_nb(nb, f)
        nbdev_clean.__wrapped__(fname=str(f))
    return files

def _progress_text(output)->bool:
    "Whether `output` is only fastprogress's redrawn console bars (which `learn.no_bar()` does not always silence)."
    if output.get('output_type') != 'stream': return False
    lines = [l.strip() for l in ''.join(output.get('text', '')).replace('\r', '\n').splitlines() if l.strip()]
    return bool(lines) and all(l == '\u2588' or re.search(r'\| *\d+\.\d+% \[\d+/\d+|^Epoch \d+/\d+ *:? *$', l) for l in lines)


# ## The README
# `nbdev_readme` renders the index notebook to `README.md` with Quarto. `readme_md` gives the same text without it: the title and
# description, the Markdown cells as they are, the visible code in fences, and text outputs indented as code, as Quarto's GitHub
# Markdown writes them. No figures. README.md is read at the repository's root (on GitHub or in a clone), where the site is not
# published, so `readme_url` makes each link a link into the repository: a page of the site (nbdev's symbol links) becomes its
# notebook, a relative link is followed from the notebooks folder, and a notebook's anchor is dropped (GitHub shows none).
def readme_url(url:str, # A link target of the index notebook
               notebooks:dict, # {page in the site: its notebook relative to the repository root}, e.g. {'core.html': 'nbs/00_core.ipynb'}
               site_url:str=None, # Where nbdev's symbol links start (`link_settings`); `None` if they are relative
               nbs:str='nbs', # The notebooks folder, relative to the repository root
              )->str: # The link target for README.md at the repository root
    "A link of the index notebook as README.md, at the repository root, needs it."
    if _in_site(url, site_url): return notebooks.get(_in_site(url, site_url)[0], url)
    if re.match(r'^[a-zA-Z][\w+.-]*:|^#|^/', url): return url
    path, _, frag = url.partition('#')
    target = posixpath.normpath(posixpath.join(nbs, path))
    target = notebooks.get(site_path(target, nbs), target)  # a page named by its address: its notebook
    return target if target.endswith('.ipynb') or not frag else f'{target}#{frag}'

_re_md_target = re.compile(r'(\]\(\s*<?)([^)\s>]+)|(\b(?:href|src)=")([^"]+)')
_re_code = re.compile(r'(^```.*?^```[ \t]*$|`[^`\n]*`)', re.MULTILINE | re.DOTALL)

def _map_links(md, fn):
    "Markdown `md` with `fn` applied to the target of each link and image, outside code."
    sub = lambda m: m.group(1) + fn(m.group(2)) if m.group(1) else m.group(3) + fn(m.group(4))
    return ''.join(part if i % 2 else _re_md_target.sub(sub, part) for i, part in enumerate(_re_code.split(md)))

def _gfm_output(output, link):
    "One output as Quarto's `gfm` writes it: Markdown or HTML as it is, `link` applied to its links; text indented as code."
    data = output.get('data', {})
    if 'text/markdown' in data or 'text/html' in data: return _map_links((data.get('text/markdown') or data['text/html']).strip(), link)
    text = output.get('text') or data.get('text/plain', '')
    return '\n'.join('    ' + l for l in text.rstrip().splitlines())

def _gfm(nb, link=lambda url: url):
    "A processed notebook as GitHub Markdown, the way Quarto's `gfm` output writes a README, `link` applied to its links."
    fm = _front_matter(nb)
    parts = [f"# {fm.get('title', '')}", f"> {fm['description']}" if fm.get('description') else '']
    for cell in quarto_cells(copy.deepcopy(nb).cells):
        if cell.cell_type == 'markdown': parts.append(_map_links(cell.source.strip(), link))
        if cell.cell_type != 'code': continue
        if not cell.metadata.get('transient', {}).get('remove_source'): parts.append(f"```python\n{cell.source.strip()}\n```")
        parts += [_gfm_output(o, link) for o in cell.outputs]
    return '\n\n'.join(p for p in parts if p.strip()) + '\n'

def readme_md(nbs:str=None, # Notebooks folder (settings.ini `nbs_path` if `None`)
             )->str: # The README's Markdown
    "The README `nbdev_readme` would render from the index notebook (settings.ini `readme_nb`), made without Quarto, its links into the repository."
    cfg = get_config()
    nbs, root = Path(nbs or cfg.nbs_path).resolve(), Path(cfg.config_path).resolve()
    nbs_dir = posixpath.relpath(nbs.as_posix(), root.as_posix())
    notebooks = {page_path(f.relative_to(nbs)): posixpath.join(nbs_dir, f.relative_to(nbs).as_posix()) for f in nbglob(nbs, as_path=True)}
    link = partial(readme_url, notebooks=notebooks, site_url=link_settings(cfg)[0], nbs=nbs_dir)
    with tempfile.TemporaryDirectory() as proc:
        process_nbs(nbs, Path(proc), 1, files=[cfg.readme_nb])
        return _gfm(nbformat.read(Path(proc)/cfg.readme_nb, as_version=4), link)


# ## The command

def main(run_nbs:bool=False, # Execute every notebook in place first (`run_notebooks`), to fill the outputs the pages show
         dest:str=None, # Output folder (settings.ini `doc_path`, `_docs`, if not given)
         readme:str=None, # Also write the README rendered from the index notebook (`readme_md`) to this file
        ):
    "Build the documentation site without Quarto: nbdev's notebook processing, then nbconvert, MathJax served locally."
    start = time.perf_counter()
    if run_nbs: print(f"Executed {len(run_notebooks())} notebooks")
    pages = build_site(dest=dest)
    print(f"Wrote {len(pages)} pages to {dest or get_config().doc_path} in {time.perf_counter() - start:.1f} s")
    if readme:
        Path(readme).write_text(readme_md())
        print(f"Wrote {readme}")


if __name__ == '__main__':
    # Run from the module imported under its own name: the worker processes of `process_nbs` unpickle `docsite._DocsFilter`,
    # which they cannot find in a `__main__` of theirs.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import docsite
    args = vars(anno_parser(docsite.main).parse_args())
    docsite.main(**{k: args[k] for k in ('run_nbs', 'dest', 'readme')})
