"""Every link of README.md and of the built site, checked without a network, and the README's text.

A link inside the repository (README) or the site (`_docs/`) must lead to a file, and its `#anchor` to a heading or an id of that
file; a link elsewhere must point at one of the few addresses this project really links to, `KNOWN`. The README must show no path
of the machine that ran its examples and no warning. (The pages' text is checked in a browser by `test_docsite.py`.)"""
import re, urllib.parse
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from conftest import DOCS, ROOT

# The only places outside the repository that the README and the site may link to: the paper, the authors' code, the
# documentation of the libraries whose names nbdev may turn into links, and the accelerate issue behind a trap the integrations
# page shows (`accelerate launch --cpu` starting one process).
KNOWN = ('https://arxiv.org/abs/2202.07073', 'https://github.com/CroitoruAlin/discern', 'https://docs.fast.ai/',
         'https://pytorch.org/docs/', 'https://huggingface.co/docs/timm/', 'https://github.com/huggingface/accelerate/issues/2741')

# What a reader must never see: a home folder or the installed packages of the machine that ran the examples, or a warning.
MACHINE_TEXT = re.compile(r'/root/|/home/|site-packages|\w*Warning\b')


def known(url:str)->bool:
    "Whether the external `url` is one of `KNOWN` or below it."
    return any(url == k or url.startswith(k if k.endswith('/') else k + '/') or url.startswith(k + '#') for k in KNOWN)


# ## Links in Markdown (README.md, as GitHub shows it)
_re_fence = re.compile(r'^(```|~~~).*?^\1[ \t]*$', re.MULTILINE | re.DOTALL)
_re_md_link = re.compile(r'!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|(?:href|src)="([^"]+)"|<(https?://[^>\s]+)>')

def md_links(md:str)->list:
    "Targets of the links and images of Markdown text `md`, outside fenced code and code spans."
    text = re.sub(r'`[^`\n]*`', '', _re_fence.sub('', md))
    return [next(g for g in m.groups() if g) for m in _re_md_link.finditer(text)]

def github_anchors(md:str)->set:
    "The anchors GitHub gives the headings of Markdown text `md`: lower case, punctuation dropped, spaces made dashes."
    heads = re.findall(r'^#{1,6}\s+(.+?)\s*#*\s*$', _re_fence.sub('', md), re.MULTILINE)
    return {re.sub(r'[^\w\- ]', '', re.sub(r'[`*_]', '', h).lower()).replace(' ', '-') for h in heads}

def _md_link_fault(url:str, md_file:Path, root:Path)->str:
    "Why the link `url` of `md_file` (in the repository `root`) leads nowhere, `None` if it leads somewhere."
    parts = urllib.parse.urlsplit(url)
    if parts.scheme or parts.netloc: return None if known(url) else 'not a known address'
    target = (md_file.parent/urllib.parse.unquote(parts.path)).resolve() if parts.path else md_file
    if not target.is_relative_to(root.resolve()) or not target.exists(): return 'no such file in the repository'
    if parts.fragment and target.suffix != '.md': return f'GitHub shows no anchors in a {target.suffix} file'
    if parts.fragment and parts.fragment not in github_anchors(target.read_text()): return 'no such heading'
    return None

def broken_md_links(md_file:Path, root:Path)->list:
    "The links of `md_file` (in the repository `root`) that lead nowhere: external ones not `KNOWN`, files or anchors missing."
    faults = ((url, _md_link_fault(url, md_file, root)) for url in md_links(md_file.read_text()))
    return [f'{url}: {fault}' for url, fault in faults if fault]


# ## Links in the built site
class _Page(HTMLParser):
    "The link targets (`href`, `src`) and the ids (`id`, `name`) of an HTML page."
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()
    def handle_starttag(self, tag, attrs):
        self.links += [v for k, v in attrs if k in ('href', 'src') and v]
        self.ids.update(v for k, v in attrs if k in ('id', 'name') and v)

@lru_cache(None)
def parse_page(path:Path)->_Page:
    "The links and ids of the HTML file `path`."
    page = _Page()
    page.feed(path.read_text(errors='replace'))
    return page

def _site_link_fault(url:str, site:Path, page:str)->str:
    "Why the link `url` of `page` (relative to the site folder `site`) leads nowhere, `None` if it leads somewhere."
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == 'data': return None
    if parts.scheme or parts.netloc: return None if known(url) else 'not a known address'
    target = ((site/page).parent/urllib.parse.unquote(parts.path) if parts.path else site/page).resolve()
    if not target.is_relative_to(site.resolve()) or not target.is_file(): return 'no such file in the site'
    if parts.fragment and urllib.parse.unquote(parts.fragment) not in parse_page(target).ids: return 'no such id'
    return None

def broken_site_links(site:Path, page:str)->list:
    "The links of `page` (relative to the site folder `site`) that lead nowhere: external ones not `KNOWN`, files or ids missing."
    faults = ((url, _site_link_fault(url, site, page)) for url in parse_page(site/page).links)
    return [f'{url}: {fault}' for url, fault in faults if fault]

def site_pages(site:Path)->list:
    "The HTML pages of the site in `site`, relative to it (MathJax's own files and the test artifacts left out)."
    return sorted(f.relative_to(site).as_posix() for f in site.rglob('*.html') if f.relative_to(site).parts[0] not in ('site_libs', '_test_artifacts'))


# ## The checks, on made-up files

def test_the_checks_find_what_is_broken(tmp_path):
    (tmp_path/'docs').mkdir()
    (tmp_path/'docs'/'a.md').write_text('# A\n\n## The sum: `total`\n')
    (tmp_path/'README.md').write_text('# R\n\n## Install\n\n[a](docs/a.md#the-sum-total) [i](#install) [paper](https://arxiv.org/abs/2202.07073) '
        '<https://docs.fast.ai/callback.core.html> `[not](a link)`\n\n```\n[no](link.md)\n```\n\n'
        '[x](docs/a.md#nope) [y](missing.md) [z](https://example.github.io/pkg/) [w](../outside.md) [n](docs/a.md#a) [b](#nowhere)\n')
    assert broken_md_links(tmp_path/'README.md', tmp_path) == [
        'docs/a.md#nope: no such heading', 'missing.md: no such file in the repository', 'https://example.github.io/pkg/: not a known address',
        '../outside.md: no such file in the repository', '#nowhere: no such heading']
    site = tmp_path/'site'
    (site/'sub').mkdir(parents=True)
    (site/'sub'/'b.html').write_text('<h2 id="two">Two</h2><img src="../missing.png">')
    (site/'index.html').write_text('<a href="sub/b.html#two">ok</a> <a href="sub/b.html#three">no id</a> <a href="https://github.com/x/y">x</a> '
                                   '<img src="data:image/png;base64,AA"> <a href="#top" id="top">top</a> <a href="../../etc/passwd">out</a>')
    assert site_pages(site) == ['index.html', 'sub/b.html']
    assert broken_site_links(site, 'index.html') == ['sub/b.html#three: no such id', 'https://github.com/x/y: not a known address',
                                                     '../../etc/passwd: no such file in the site']
    assert broken_site_links(site, 'sub/b.html') == ['../missing.png: no such file in the site']
    assert not known('https://github.com/CroitoruAlin/discern-fork') and known('https://github.com/CroitoruAlin/discern/blob/main/x.py')


# ## The real README and site

def test_readme_links_lead_somewhere():
    broken = broken_md_links(ROOT/'README.md', ROOT)
    assert not broken, 'README.md links that lead nowhere:\n' + '\n'.join(broken)

def test_readme_shows_no_machine_path_or_warning():
    "The README's outputs (indented blocks) and prose hold no path of the machine that ran them and no warning."
    text = _re_fence.sub('', (ROOT/'README.md').read_text())
    found = [text[max(0, m.start() - 60):m.end() + 40].replace('\n', ' ') for m in MACHINE_TEXT.finditer(text)]
    assert not found, 'README.md shows:\n' + '\n'.join(found)

def test_site_links_lead_somewhere(docs_site):
    site, _ = docs_site
    broken = [f'{page}: {b}' for page in site_pages(site) for b in broken_site_links(site, page)]
    assert not broken, 'links of the site that lead nowhere:\n' + '\n'.join(sorted(set(broken)))

def test_benchmark_result_pages_are_in_the_site(docs_site):
    "Each results page under `benchmarks/results/` is a page of the site, at the same path, `.md` made `.html`."
    site, pages = docs_site
    results = sorted(f.relative_to(ROOT).with_suffix('.html').as_posix() for f in (ROOT/'benchmarks'/'results').rglob('*.md'))
    assert results and not set(results) - set(pages), f'missing from the site: {sorted(set(results) - set(pages))}'
