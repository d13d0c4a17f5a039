"""The documentation builder, `tools/docsite.py`, on small made-up notebooks: page names and anchors, nbdev's processing,
Quarto's cell options, Pandoc's Markdown, page rendering, a whole site, filling the outputs, and the README.
(The real site is checked in a browser by `test_docsite.py`.)"""
import base64, json, os, re, subprocess, sys
from pathlib import Path

import nbformat, pytest
from execnb.nbio import mk_cell
from nbdev.doclinks import _nbpath2html
from nbdev.process import extract_directives

from conftest import ROOT, TOOLS
from docsite import (_inline_md, _map_links, _mixed_imports, _unlink_private, anchor_id, cell_options, check_notebook, link_settings, local_url,
                     md_notebook, page_path, pandoc_md, quarto_cells, readme_url, render_page, site_path)

SITE = 'https://gini-loss.github.io/gini_loss'
PNG = base64.b64encode(b'\x89PNG\r\n\x1a\n' + bytes(16)).decode()


def direc_cell(src):
    "A code cell with its nbdev directives parsed, as nbdev's processors see it."
    cell = mk_cell(src)
    cell.directives_ = extract_directives(cell)
    return cell

def code(src, outputs=()): return nbformat.v4.new_code_cell(src, outputs=list(outputs))
def md_out(text): return nbformat.v4.new_output('display_data', {'text/markdown': text})
def stdout(text): return nbformat.v4.new_output('stream', name='stdout', text=text)

def write_nb_file(path, cells):
    "Save `cells` as a notebook at `path`."
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {'kernelspec': {'name': 'python3', 'language': 'python', 'display_name': 'python3'}}
    path.write_text(json.dumps(nbformat.v4.new_notebook(cells=cells, metadata=meta)))

def run_in(folder, code):
    "Run python `code` in a fresh process in `folder` (nbdev reads a project's settings once per process), failing with its error output."
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(TOOLS), os.environ.get('PYTHONPATH', '')])}
    r = subprocess.run([sys.executable, '-c', code], cwd=folder, capture_output=True, text=True, env=env)
    if r.returncode: raise RuntimeError(r.stderr[-3000:])
    return r.stdout

@pytest.fixture
def project(tmp_path):
    "An empty project in a temporary folder, with this repository's settings."
    (tmp_path/'settings.ini').write_text((ROOT/'settings.ini').read_text())
    return tmp_path


# ## Page names and anchors

def test_page_path_follows_nbdev():
    "Pages keep the names Quarto gives them, the rule nbdev uses to fill the symbol index."
    for nb in ['00_core.ipynb', 'index.ipynb', '10_tutorial_paper.ipynb', 'tutorials/01a_Intro.ipynb', '../02_models.ipynb']:
        assert page_path(nb) == _nbpath2html(Path(nb)).as_posix()
    assert page_path('10_tutorial_paper.ipynb') == 'tutorial_paper.html'

def test_anchor_id_is_pandocs():
    assert anchor_id('gini_loss') == 'gini_loss'
    assert anchor_id('GiniCallback.before_fit') == 'ginicallback.before_fit'
    assert anchor_id('Class sums: the one matrix product') == 'class-sums-the-one-matrix-product'
    assert anchor_id('<code>kl_loss</code> &amp; priors') == 'kl_loss-priors'
    assert anchor_id('1. Set-up') == 'set-up'
    assert anchor_id('_plain') == '_plain'
    assert anchor_id('???') == 'section'


# ## nbdev's processing

def test_mixed_cells_run_only_their_imports():
    assert _mixed_imports(direc_cell('import math, os\nfrom pathlib import Path\nlearn.fit(10)')) == 'import math, os\nfrom pathlib import Path'
    assert _mixed_imports(direc_cell('import math\nfrom os import path')) is None
    assert _mixed_imports(direc_cell('#| export\nimport math\ndef f(): pass')) is None
    assert _mixed_imports(direc_cell('#| eval: false\nimport math\ntrain()')) is None
    assert _mixed_imports(direc_cell('x = 1\nshow_doc(f)')) is None
    assert _mixed_imports(direc_cell('def f():\n    import math\nf()')) == ''


# ## Quarto cell options

def test_cell_options():
    opts, src = cell_options('#| echo: false\n#|output: asis\n#| code-summary: "Exported source"\nshow_doc(f)\n#| not an option')
    assert opts == {'echo': False, 'output': 'asis', 'code-summary': 'Exported source'}
    assert src == 'show_doc(f)\n#| not an option'
    assert cell_options('x = 1') == ({}, 'x = 1')

def test_quarto_cells_apply_the_options():
    cells = quarto_cells([nbformat.v4.new_raw_cell('---\ntitle: T\n---'),
        code('#| echo: false\n#| output: asis\nshow_doc(f)', [md_out('### f\n\n*Doc of f*')]),
        code('#| include: false\nsecret = 1', [stdout('hidden\n')]),
        code('#| output: false\nx = 1', [stdout('noise\n')]),
        code('#| echo: false\nprint(2)', [stdout('2\n')]),
        code('#| code-fold: show\n#| code-summary: "Exported source"\ndef g(): pass'),
        nbformat.v4.new_markdown_cell('Prose'),
        code('#| echo: false\n#| output: asis\nm = C.method.fget\nshow_doc(m, name="C.method")', [md_out('### C.method')])])
    assert [c.cell_type for c in cells] == ['markdown', 'code', 'code', 'code', 'markdown', 'markdown']
    assert (cells[5].source, cells[5].metadata.doc_entry) == ('### C.method', True)
    assert (cells[0].source, cells[0].metadata.doc_entry) == ('### f\n\n*Doc of f*', True)
    assert (cells[1].source, cells[1].outputs) == ('x = 1', [])
    assert (cells[2].metadata.transient, cells[2].outputs[0].text) == ({'remove_source': True}, '2\n')
    assert (cells[3].metadata.code_fold, cells[3].metadata.code_summary, cells[3].source) == ('show', 'Exported source', 'def g(): pass')


# ## Markdown the way Pandoc reads it

def test_pandoc_md():
    assert (pandoc_md('[source](https://x.org/a.py#L3){target="_blank" style="float:right; font-size:smaller"}')
            == '<a href="https://x.org/a.py#L3" target="_blank" style="float:right; font-size:smaller">source</a>')
    assert pandoc_md('::: {.callout-note #n1}\nSee $x$.\n:::') == '<div class="callout callout-note" id="n1">\n\nSee $x$.\n\n</div>\n'
    assert pandoc_md('[plain](core.html) and `code`') == '[plain](core.html) and `code`'


# ## Rendering a page

def test_local_url():
    assert local_url(f'{SITE}/core.html#gini_loss', 'index.html', SITE) == 'core.html#gini_loss'
    assert local_url(f'{SITE}/core.html#gini_loss', 'tutorials/paper.html', SITE) == '../core.html#gini_loss'
    assert local_url(SITE, 'core.html', SITE) == 'index.html'
    assert local_url('02_models.ipynb#resnet', 'core.html', SITE) == 'models.html#resnet'
    for url in ['https://arxiv.org/abs/2202.07073', '#top', 'core.html', 'data:image/png;base64,AA', 'mailto:a@b.c', '../../outside.md']:
        assert local_url(url, 'core.html', SITE) == url

def test_local_url_without_a_documentation_host():
    "nbdev's symbol links start with `doc_baseurl` when `doc_host` is empty, and are relative when the index records no host."
    assert local_url('/gini_loss/core.html#gini_loss', 'tutorials/paper.html', '/gini_loss') == '../core.html#gini_loss'
    assert local_url('core.html#gini_loss', 'index.html', None) == 'core.html#gini_loss'
    assert local_url('/blob/main/gini_loss/core.py#L3', 'core.html', '/gini_loss') == '/blob/main/gini_loss/core.py#L3'

def test_links_into_the_repository():
    "The site mirrors the repository, the notebooks folder at its root: a link from a notebook or a Markdown page to a file of the repository works in both."
    assert [site_path(p) for p in ('nbs/00_core.ipynb', 'nbs/images/a.png', 'benchmarks/results/x/README.md', 'CONTRIBUTING.md', 'tools/run.sh', '../x.md')] == [
        'core.html', 'images/a.png', 'benchmarks/results/x/README.html', 'CONTRIBUTING.html', 'tools/run.sh', None]
    assert local_url('../benchmarks/results/regimes/README.md#verdict', 'index.html') == 'benchmarks/results/regimes/README.html#verdict'
    assert local_url('../../CONTRIBUTING.md', 'tutorials/paper.html') == '../CONTRIBUTING.html'
    bench = 'benchmarks/results/regimes'
    assert local_url('delta.png', f'{bench}/README.html', None, bench) == 'delta.png'
    assert local_url('../overhead.md', f'{bench}/README.html', None, bench) == '../overhead.html'
    assert local_url('../../../nbs/00_core.ipynb#gini_loss', f'{bench}/README.html', None, bench) == '../../../core.html#gini_loss'

def test_readme_links_point_into_the_repository():
    "README.md sits at the repository root: site pages become their notebooks (no anchor: GitHub shows none), relative links are followed from `nbs/`."
    nbs = {'index.html': 'nbs/index.ipynb', 'core.html': 'nbs/00_core.ipynb'}
    for url, want in [(f'{SITE}/core.html#gini_loss', 'nbs/00_core.ipynb'), ('/gini_loss/core.html#gini_loss', 'nbs/00_core.ipynb'),
                      ('core.html#gini_loss', 'nbs/00_core.ipynb'), ('00_core.ipynb#the-definition', 'nbs/00_core.ipynb'),
                      ('../CONTRIBUTING.md', 'CONTRIBUTING.md'), ('../benchmarks/results/regimes/README.md#verdict', 'benchmarks/results/regimes/README.md#verdict'),
                      ('https://arxiv.org/abs/2202.07073', 'https://arxiv.org/abs/2202.07073'), ('#citation', '#citation')]:
        site = '/gini_loss' if url.startswith('/') else SITE
        assert readme_url(url, nbs, site) == want, url
    md = '[a](../CONTRIBUTING.md) ![b](img.png) <a href="x.md">c</a> `[d](e.md)`\n\n```python\nf[0](x)\n```\n[g](h.md "title")'
    assert _map_links(md, lambda u: u.upper()) == '[a](../CONTRIBUTING.MD) ![b](IMG.PNG) <a href="X.MD">c</a> `[d](e.md)`\n\n```python\nf[0](x)\n```\n[g](H.MD "title")'

def test_link_settings(tmp_path):
    "Where nbdev's links point, read from the package's symbol index as nbdev reads it, else from settings.ini; an empty or missing setting is `None`."
    from fastcore.xtras import working_directory
    from nbdev.config import get_config
    def settings_here():
        with working_directory(tmp_path): return link_settings(get_config(path=tmp_path))  # nbdev finds settings.ini from the working directory
    ini = (ROOT/'settings.ini').read_text()
    for k in ('doc_host', 'git_url', 'user'): ini = re.sub(rf'^{k} *=.*\n', '', ini, flags=re.MULTILINE)
    (tmp_path/'settings.ini').write_text(ini)  # no documentation host, no repository, no user (whom nbdev's default `git_url` names)
    assert settings_here() == ('/gini_loss', None)
    lib = tmp_path/'gini_loss'
    lib.mkdir()
    for settings, want in [("{'doc_host': 'https://h.io', 'doc_baseurl': '/pkg', 'git_url': 'https://github.com/o/pkg'}", ('https://h.io/pkg', 'https://github.com/o/pkg')),
                           ("{'doc_host': '', 'doc_baseurl': '/gini_loss', 'git_url': ''}", ('/gini_loss', None)), ("{'lib_path': 'gini_loss'}", (None, None))]:
        (lib/'_modidx.py').write_text(f"# Autogenerated by nbdev\n\nd = {{'settings': {settings}, 'syms': {{}}}}\n")
        assert settings_here() == want, settings

def test_render_page():
    "A processed notebook with a title, a `show_doc` entry below a section of the same name, an equation, a hidden cell, a symbol link, a figure and folded code."
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_raw_cell('---\ntitle: "Core: the `terms`"\ndescription: Two terms\noutput-file: core.html\n---'),
        nbformat.v4.new_markdown_cell(f'## The Gini term\n\nMean impurity $G = 1 - \\sum_c p_c^2$, see [`gini_loss`]({SITE}/core.html#gini_loss).'),
        nbformat.v4.new_markdown_cell('### `gini_loss`\n\nA section named like the function.'),
        code('#| echo: false\n#| output: asis\nshow_doc(gini_loss)',
             [md_out('---\n\n[source](https://github.com/x/y.py#L3){target="_blank"}\n\n### gini_loss\n\n*Mean Gini impurity.*')]),
        code('#| echo: false\nplot()', [nbformat.v4.new_output('display_data', {'image/png': PNG, 'text/plain': '<Figure>'})]),
        nbformat.v4.new_markdown_cell('## The Gini term\n\nAgain.'),
        code('#| code-fold: show\n#| code-summary: "Exported source"\ndef g(): pass')])
    p = render_page(nb, 'core.html', SITE, repo_url='https://github.com/x')
    assert (p['title'], p['description']) == ('Core: the <code>terms</code>', 'Two terms')
    assert _inline_md('# Not a *heading*') == '# Not a <em>heading</em>'
    assert p['toc'] == [(2, 'the-gini-term', 'The Gini term'), (3, 'gini_loss-1', 'gini_loss'), (3, 'gini_loss', 'gini_loss'), (2, 'the-gini-term-1', 'The Gini term')]
    assert re.search(r'<div class="doc-entry">\s*<div class="cell[^>]*>(?:.|\n)*<h3[^>]* id="gini_loss"', p['body'])
    assert 'href="core.html#gini_loss"' in p['body'] and 'target="_blank"' in p['body']
    assert '$G = 1 - \\sum_c p_c^2$' in p['body']
    assert 'show_doc' not in p['body'] and 'plot()' not in p['body']
    assert re.search(r'<details class="code-fold" open(="")?><summary>Exported source</summary>\s*<div class="input">', p['body'])
    assert list(p['files']) == ['core_files/core_3_0.png']
    assert 'src="core_files/core_3_0.png"' in p['body']
    assert 'href="https://github.com/x/y.py#L3"' in p['body']
    for repo in (None, 'https://github.com/elsewhere'):  # a source link only leads into the repository, when there is one
        body = render_page(nb, 'core.html', SITE, repo_url=repo)['body']
        assert '>source</a>' not in body and re.search(r'<h3[^>]* id="gini_loss"', body)

def test_md_notebook():
    "A Markdown file as a page: its first `# ` heading is the title."
    nb = md_notebook('Intro.\n\n# Results: *all*\n\n## Setup\n\n| a | b |\n|---|---|\n| 1 | 2 |\n')
    p = render_page(nb, 'benchmarks/results/x/README.html', None, None, 'benchmarks/results/x')
    assert p['title'] == 'Results: <em>all</em>' and p['toc'] == [(2, 'setup', 'Setup')]
    assert '<p>Intro.</p>' in p['body'] and '<table>' in p['body'] and 'Results' not in p['body']
    assert render_page(md_notebook('No heading'), 'a.html')['title'] == 'a'  # the page's name, as for a notebook without one
    assert render_page(md_notebook('No heading', title='A'), 'a.html')['title'] == 'A'

def test_links_to_undocumented_private_names_are_dropped():
    ids = {'data.html': {'get_dls', '_documented'}, 'core.html': {'gini_loss'}}
    body = ('<a href="data.html#_download_into"><code>_download_into</code></a> <a href="#_documented"><code>_documented</code></a> '
            '<a href="../data.html#_x"><code>_x</code></a> <a href="core.html#gini_loss"><code>gini_loss</code></a>')
    assert _unlink_private(body, 'data.html', ids) == ('<code>_download_into</code> <a href="#_documented"><code>_documented</code></a> '
                                                       '<code>_x</code> <a href="core.html#gini_loss"><code>gini_loss</code></a>')


# ## The site

def test_build_site(project):
    """Two notebooks, one in a subfolder, with saved outputs (printed lines stored as a list the way Jupyter saves them, a figure),
    a formula, a link between them, an asset, a cell mixing an import with code that must not run, and an import of a helper
    module beside the notebook; two benchmark results pages and the contributors' guide, and links into the repository."""
    nbs = project/'nbs'
    write_nb_file(nbs/'index.ipynb', [nbformat.v4.new_markdown_cell('# Demo\n\n> A demo site'),
        nbformat.v4.new_markdown_cell('See [the terms](tutorials/01_terms.ipynb#the-sum) and ![logo](images/logo.svg), '
                                      '[the results](../benchmarks/results/sums/README.md#setup) and [the script](../tools/run.sh).')])
    write_nb_file(nbs/'tutorials'/'01_terms.ipynb', [nbformat.v4.new_code_cell('#| default_exp terms'),
        nbformat.v4.new_markdown_cell('# Terms\n\n> Sums'),
        nbformat.v4.new_code_cell('#| export\ndef total(xs:list, # Numbers to add\n         )->float: # Their sum\n    "Sum of `xs`."\n    return sum(xs)'),
        nbformat.v4.new_markdown_cell('## The sum\n\n$$S = \\sum_i x_i$$'),
        nbformat.v4.new_code_cell('import math\nraise RuntimeError("a test ran during the docs build")'),
        nbformat.v4.new_code_cell('from helper import ANSWER\nprint(ANSWER)'),
        code('total([1, 2])', [nbformat.v4.new_output('execute_result', {'text/plain': '3'}, execution_count=1)]),
        code('print(6 * 7)', [{'output_type': 'stream', 'name': 'stdout', 'text': ['6 * 7 is\n', '42\n']}]),
        code('plot()', [nbformat.v4.new_output('display_data', {'image/png': PNG})])])
    (nbs/'tutorials'/'helper.py').write_text('ANSWER = 42\n')  # imported as `nbdev_test` allows: from the notebook's folder
    (nbs/'images').mkdir()
    (nbs/'images'/'logo.svg').write_text('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>')
    results = project/'benchmarks'/'results'/'sums'
    (results/'seed_0').mkdir(parents=True)
    (results/'README.md').write_text('# Sums, measured\n\n## Setup\n\n![plot](plot.png) [runs](seed_0/results.md), [the terms](../../../nbs/tutorials/01_terms.ipynb)\n')
    (results/'plot.png').write_bytes(base64.b64decode(PNG))
    (results/'unlinked.json').write_text('{}')
    (results/'seed_0'/'results.md').write_text('# Runs of seed 0\n\n| run | sum |\n|---|---|\n| a | 3 |\n')
    (project/'benchmarks'/'results'/'study').mkdir()
    (project/'benchmarks'/'results'/'study'/'notes.md').write_text('# Notes\n\nA folder without a README.\n')
    (project/'CONTRIBUTING.md').write_text('# Contributing\n\nEdit the notebooks.\n')
    (project/'tools').mkdir()
    (project/'tools'/'run.sh').write_text('echo hi\n')
    assert run_in(project, 'from docsite import build_site; print(build_site())').strip() == str(
        ['index.html', 'tutorials/terms.html', 'benchmarks/results/study/notes.html', 'benchmarks/results/sums/README.html', 'benchmarks/results/sums/seed_0/results.html', 'CONTRIBUTING.html'])
    docs = project/'_docs'
    index, terms = (docs/'index.html').read_text(), (docs/'tutorials'/'terms.html').read_text()
    assert '<h1 class="title">Demo</h1><p class="description">A demo site</p>' in index
    assert 'href="tutorials/terms.html#the-sum"' in index and 'src="images/logo.svg"' in index and (docs/'images'/'logo.svg').exists()
    assert '<li class="section">tutorials</li>' in index and 'href="../index.html"' in terms
    assert '6 * 7 is\n42' in terms and re.search(r'<h3[^>]* id="total"', terms) and '$$S = \\sum_i x_i$$' in terms
    assert 'src="../site_libs/mathjax/tex-svg.js"' in terms
    assert [f.read_bytes() for f in (docs/'tutorials'/'terms_files').glob('*.png')] == [base64.b64decode(PNG)]
    assert (docs/'site_libs'/'mathjax'/'tex-svg.js').stat().st_size > 1e6
    # the repository's pages: in the sidebar, linked both ways, with the files they link to and nothing else
    assert 'href="benchmarks/results/sums/README.html#setup"' in index and 'href="tools/run.sh"' in index and (docs/'tools'/'run.sh').exists()
    bench = (docs/'benchmarks'/'results'/'sums'/'README.html').read_text()
    assert '<h1 class="title">Sums, measured</h1>' in bench and 'id="setup"' in bench and 'href="seed_0/results.html"' in bench
    assert 'src="plot.png"' in bench and (results/'plot.png').read_bytes() == (docs/'benchmarks'/'results'/'sums'/'plot.png').read_bytes()
    assert 'href="../../../tutorials/terms.html"' in bench and not (docs/'benchmarks'/'results'/'sums'/'unlinked.json').exists()
    assert re.search(r'<li class="section">Benchmarks</li>\s*<li class="level-0"><a href="benchmarks/results/study/notes.html">Notes</a></li>\s*'
                     r'<li class="level-0"><a href="benchmarks/results/sums/README.html">Sums, measured</a></li>\s*'
                     r'<li class="level-1"><a href="benchmarks/results/sums/seed_0/results.html">Runs of seed 0</a></li>\s*'
                     r'<li class="section">Development</li>\s*<li class="level-0"><a href="CONTRIBUTING.html">Contributing</a>', index)
    assert '<table>' in (docs/'benchmarks'/'results'/'sums'/'seed_0'/'results.html').read_text()
    assert 'class="repo"' not in index  # no repository named in settings.ini: no link to one


def test_an_invalid_notebook_is_named_before_the_build(project):
    "A cell without an id (written by a script, not by Jupyter) stops the build at once, with the notebook and the cell named."
    nbs = project/'nbs'
    write_nb_file(nbs/'index.ipynb', [nbformat.v4.new_markdown_cell('# Demo'), nbformat.v4.new_markdown_cell('Text')])
    nb = json.loads((nbs/'index.ipynb').read_text())
    nb['cells'][1]['id'] = None
    (nbs/'index.ipynb').write_text(json.dumps(nb))
    with pytest.raises(RuntimeError, match=r"index.ipynb is not a valid notebook: None is not of type 'string' at \['cells'\]\[1\]\['id'\]"):
        run_in(project, 'from docsite import build_site; build_site()')

def test_the_repository_notebooks_are_valid():
    for f in sorted((ROOT/'nbs').glob('*.ipynb')): check_notebook(f)


# ## Filling the outputs

def test_run_notebooks(project):
    """The plain cells run and keep their output and figure, the skipped ones do not run (and keep what they showed), a cell that now
    shows nothing loses what it showed before; the notebook comes back cleaned; a failing notebook is left untouched."""
    nb = project/'nbs'/'02_run.ipynb'
    write_nb_file(nb, [code('print(6 * 7)'), code('#| eval: false\nraise Exception("eval false ran")'),
        code('#| slow\nraise Exception("slow ran")', [stdout('kept\n')]), code('#| notest\nraise Exception("notest ran")'),
        code('import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0]);'), code('x = 1', [stdout('a warning it no longer gives\n')])])
    run_in(project, 'from docsite import run_notebooks; run_notebooks("nbs/02_run.ipynb")')
    ran = json.loads(nb.read_text())['cells']
    assert ran[0]['outputs'][0]['text'] == ['42\n']
    assert [c['outputs'] for c in ran[1:4]] == [[], [stdout('kept\n')], []]
    assert ran[4]['outputs'][0]['data']['image/png'] and ran[5]['outputs'] == []
    assert {c['execution_count'] for c in ran} == {None}
    before = nb.read_text()
    with pytest.raises(RuntimeError, match='slow ran'): run_in(project, 'from docsite import run_notebooks; run_notebooks("nbs/02_run.ipynb", flags="slow")')
    assert nb.read_text() == before


# ## The README

def test_readme_md(project):
    write_nb_file(project/'nbs'/'index.ipynb', [nbformat.v4.new_markdown_cell('# Demo\n\n> A demo site'),
        nbformat.v4.new_markdown_cell('Some *prose*, [the guide](../CONTRIBUTING.md), [the index](index.ipynb#top).'), code('#| hide\nimport os'),
        code('print(1 + 1)', [{'output_type': 'stream', 'name': 'stdout', 'text': ['2\n', 'done\n']}])])
    assert run_in(project, 'from docsite import readme_md; print(readme_md(), end="")') == (
        '# Demo\n\n> A demo site\n\n<!-- WARNING: THIS FILE WAS AUTOGENERATED! DO NOT EDIT! -->\n\n'
        'Some *prose*, [the guide](CONTRIBUTING.md), [the index](nbs/index.ipynb).\n\n```python\nprint(1 + 1)\n```\n\n    2\n    done\n')

def test_readme_is_rendered_from_the_index_notebook():
    "README.md is generated: `python tools/docsite.py --readme README.md` after editing nbs/index.ipynb."
    assert run_in(ROOT, 'from docsite import readme_md; print(readme_md(), end="")') == (ROOT/'README.md').read_text()

def test_command_line(project):
    "`python tools/docsite.py --dest ... --readme ...` builds the site and writes the README, run as a script."
    write_nb_file(project/'nbs'/'index.ipynb', [nbformat.v4.new_markdown_cell('# Demo\n\n> A demo site'), nbformat.v4.new_markdown_cell('Text.')])
    r = subprocess.run([sys.executable, str(TOOLS/'docsite.py'), '--dest', 'site', '--readme', 'README.md'], cwd=project, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'Wrote 1 pages to site' in r.stdout and (project/'site'/'index.html').exists()
    assert (project/'README.md').read_text().startswith('# Demo\n\n> A demo site\n')
