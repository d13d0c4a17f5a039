"""The documentation site, checked in a real browser.

Uses `_docs/` as `python tools/docsite.py` just built it, or builds it (the `docs_site` fixture of `conftest.py`) when a notebook,
a module or the builder is newer, serves it on 127.0.0.1, opens every page in headless Chromium (Debian's /usr/bin/chromium and
/usr/bin/chromedriver) and checks: no console errors, every internal link and anchor resolves, every image loads, formulas are
typeset by the local MathJax, every public symbol of the package has its API entry, every page has one title and the full sidebar;
nothing runs out of the text column (at 1400 and 1280 px wide: a wide table or command scrolls in its own box, a formula fits),
and no page shows a path of the machine that ran its examples or a warning. Screenshots of the home page and the core page are
saved in `_docs/_test_artifacts/`."""
import functools, http.server, re, threading, urllib.error, urllib.parse, urllib.request
from html.parser import HTMLParser

import pytest

from conftest import DOCS
from test_links import MACHINE_TEXT

ARTIFACTS = DOCS/'_test_artifacts'
SCREENSHOTS = {'index.html': 'home.png', 'core.html': 'core.png'}

# Text nodes of a page that still hold `$...$` after typesetting, outside code and MathJax's own output.
_RAW_MATH_JS = r"""
const skip = new Set(['PRE', 'CODE', 'SCRIPT', 'STYLE', 'TEXTAREA', 'MJX-CONTAINER']);
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const raw = [];
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  let p = n.parentElement, inside = false;
  for (; p; p = p.parentElement) if (skip.has(p.tagName)) { inside = true; break; }
  if (!inside && /\$[^$\s][^$]*\$/.test(n.textContent)) raw.push(n.textContent.slice(0, 80));
}
return raw;
"""

_PAGE_JS = r"""
return {
  title: document.title,
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  sidebar: [...document.querySelectorAll('nav.sidebar a[href]')].map(a => a.href),
  images: [...document.images].map(i => [i.src, i.complete && i.naturalWidth > 0]),
  math: document.querySelectorAll('mjx-container').length,
  math_errors: document.querySelectorAll('mjx-merror, [data-mml-node="merror"]').length,
  h1: [...document.querySelectorAll('h1')].map(h => h.textContent.trim()),
  api: [...document.querySelectorAll('.doc-entry [id]')].filter(e => /^H[1-6]$/.test(e.tagName)).map(e => e.id),
  text: document.body.innerText,
};
"""

# What sticks out of the text column past its right edge without a box of its own that scrolls (a wide table or a long command must
# scroll inside its box, not spill into the table of contents), and the display formulas too wide for the column (clipped, they
# would need scrolling to be read).
_LAYOUT_JS = r"""
const main = document.querySelector('main.content'), edge = main.getBoundingClientRect().right + 1;
const scrollBox = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.getBoundingClientRect().right <= edge;
const inBox = e => { for (let p = e.parentElement; p && p !== main; p = p.parentElement) if (scrollBox(p)) return true; return false; };
const out = [...main.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > edge && !inBox(e));
return {
  sticking_out: out.slice(0, 3).map(e => `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') || ''}"> by ${Math.round(e.getBoundingClientRect().right - edge)} px: ${e.textContent.trim().slice(0, 60)}`),
  wide_math: [...main.querySelectorAll('mjx-container[display="true"]')].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.slice(0, 40)),
};
"""

# The page's text as a reader sees it, the code of the code cells left out (a cell may name a warning it silences).
_SHOWN_TEXT_JS = r"""
const main = document.querySelector('main.content').cloneNode(true);
main.querySelectorAll('.input, details.code-fold').forEach(e => e.remove());
return main.textContent;
"""

_WAIT_MATHJAX_JS = """
const done = arguments[arguments.length - 1];
if (!window.MathJax || !window.MathJax.startup) { done('MathJax not loaded'); return; }
MathJax.startup.promise.then(() => done('ok'), e => done('MathJax failed: ' + e));
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


class _Ids(HTMLParser):
    "The `id` and `name` attributes of an HTML page: what a `#fragment` may point to."
    def __init__(self):
        super().__init__()
        self.ids = set()
    def handle_starttag(self, tag, attrs):
        self.ids.update(v for k, v in attrs if k in ('id', 'name') and v)


def _math_in_source(page_html):
    "Whether a page's HTML holds TeX for MathJax (`$...$` or `$$...$$` outside code and scripts)."
    text = re.sub(r'<(pre|code|script|style)\b.*?</\1>', '', page_html, flags=re.DOTALL)
    return bool(re.search(r'\$\$[^$]+\$\$|\$[^$\s][^$]*\$', text))


@pytest.fixture(scope='module')
def site(docs_site):
    "The built site, served on a free local port: (base url, its pages)."
    docs, pages = docs_site
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(_Quiet, directory=str(docs)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{server.server_port}/', pages
    server.shutdown()
    server.server_close()


@pytest.fixture(scope='module')
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    opts = Options()
    opts.binary_location = '/usr/bin/chromium'
    for arg in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--window-size=1400,1000'):
        opts.add_argument(arg)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope='module')
def visits(site, browser):
    "Every page opened in the browser, typeset, looked at: {page: what `_PAGE_JS` saw, plus console errors, MathJax state, layout, text}."
    base, pages = site
    ARTIFACTS.mkdir(exist_ok=True)
    res = {}
    for page in pages:
        browser.get(base + page)
        mathjax = browser.execute_async_script(_WAIT_MATHJAX_JS)
        seen = browser.execute_script(_PAGE_JS)
        seen.update(mathjax=mathjax, raw_math=browser.execute_script(_RAW_MATH_JS),
                    errors=[e['message'] for e in browser.get_log('browser') if e['level'] == 'SEVERE'],
                    has_tex=_math_in_source((DOCS/page).read_text()), layout=browser.execute_script(_LAYOUT_JS),
                    shown_text=browser.execute_script(_SHOWN_TEXT_JS))
        if page in SCREENSHOTS: browser.save_screenshot(str(ARTIFACTS/SCREENSHOTS[page]))
        res[page] = seen
    return res

@pytest.fixture(scope='module')
def laptop_layouts(site, browser, visits):
    "Every page again in a laptop's 1280 px wide window (the text column narrower, the table of contents still shown): {page: `_LAYOUT_JS`}."
    base, pages = site
    size = browser.get_window_size()
    browser.set_window_size(1280, 900)
    res = {}
    for page in pages:
        browser.get(base + page)
        browser.execute_async_script(_WAIT_MATHJAX_JS)
        res[page] = browser.execute_script(_LAYOUT_JS)
    browser.set_window_size(size['width'], size['height'])
    return res


@functools.lru_cache(None)
def _fetch(url):
    "HTTP status and body of `url`."
    try:
        with urllib.request.urlopen(url, timeout=10) as r: return r.status, r.read()
    except urllib.error.HTTPError as e: return e.code, b''


def test_pages_load_without_console_errors(visits):
    assert 'index.html' in visits and 'core.html' in visits
    for page, seen in visits.items():
        assert seen['title'], f'{page} has no <title>'
        assert seen['mathjax'] == 'ok', f'{page}: {seen["mathjax"]}'
        assert not seen['errors'], f'console errors on {page}: {seen["errors"]}'


def _link_fault(link):
    "Why the link `link` into the served site leads nowhere (`HTTP 404`, `no #id there`), `None` if it resolves."
    url, _, frag = link.partition('#')
    status, body = _fetch(url)
    if status != 200: return f'HTTP {status}'
    if not frag: return None
    parser = _Ids()
    parser.feed(body.decode('utf-8', 'replace'))
    return None if urllib.parse.unquote(frag) in parser.ids else f'no #{frag} there'


def test_internal_links_and_anchors_resolve(site, visits):
    base = site[0]
    links = [(page, link) for page, seen in visits.items() for link in seen['links'] if link.startswith(base)]
    broken = [f'{page}: {link} -> {fault}' for page, link in links if (fault := _link_fault(link))]
    assert not broken, 'broken internal links:\n' + '\n'.join(sorted(set(broken)))


def test_every_page_has_the_full_sidebar(site, visits):
    base, pages = site
    expected = {base + p for p in pages}
    for page, seen in visits.items(): assert set(seen['sidebar']) == expected, page


def test_every_page_has_one_title(visits):
    "One h1 per page, the title from the notebook's `# Title` cell; more mean Markdown lines taken for headings."
    bad = {page: [h[:50] for h in seen['h1'][:4]] + ['...'] * (len(seen['h1']) > 4)
           for page, seen in visits.items() if len(seen['h1']) != 1 or seen['h1'][0].startswith('#')}
    assert not bad, f'pages whose h1 headings are not exactly one title (Markdown lines starting with "# "?): {bad}'


def test_images_load(visits):
    broken = [(page, src) for page, seen in visits.items() for src, ok in seen['images'] if not ok]
    assert not broken, f'images that did not load: {broken}'


def test_formulas_are_typeset(visits):
    with_tex = [page for page, seen in visits.items() if seen['has_tex']]
    assert 'core.html' in with_tex
    for page in with_tex:
        seen = visits[page]
        assert seen['math'] > 0, f'{page} has TeX but MathJax typeset nothing'
        assert not seen['math_errors'], f'{page}: {seen["math_errors"]} MathJax errors'
        assert not seen['raw_math'], f'{page}: TeX left untypeset: {seen["raw_math"]}'


def _public(sym):
    "Whether every part of a symbol's name after the module is public."
    return not any(part.startswith('_') for part in sym.split('.'))


def _has_api_entry(url, visits):
    "Whether the page and anchor of `url` hold an API entry in the browser's `visits`: the anchor's own, or for a method its class's."
    page, _, anchor = url.partition('#')
    entries = visits.get(page, {}).get('api', [])
    return anchor in entries or ('.' in anchor and anchor.split('.')[0] in entries)


def test_every_public_symbol_has_an_api_entry(visits):
    "Each public function and class of the package has a `show_doc` entry on the page `_modidx.py` links it to; a method, its own or its class's."
    from gini_loss._modidx import d
    missing = [f'{full} (expected at {url})' for mod, syms in d['syms'].items() for full, (url, _) in syms.items()
               if _public(full[len(mod) + 1:]) and not _has_api_entry(url, visits)]
    assert not missing, 'symbols without an API entry:\n' + '\n'.join(missing)


def test_home_page_cites_the_paper(visits):
    text = visits['index.html']['text']
    assert 'Discriminability-enforcing loss to improve representation learning' in text and '2202.07073' in text
    assert '@article{croitoru2022discriminability' in text


def test_nothing_sticks_out_of_the_text_column(visits, laptop_layouts):
    "A wide table or a long command scrolls inside its own box, at 1400 px and at 1280 px: nothing spills into the table of contents."
    layouts = {f'{page} at 1400 px': seen['layout'] for page, seen in visits.items()} | {f'{page} at 1280 px': l for page, l in laptop_layouts.items()}
    bad = {where: l['sticking_out'] for where, l in layouts.items() if l['sticking_out']}
    assert not bad, 'sticking out of the text column:\n' + '\n'.join(f'{w}: {b}' for w, b in bad.items())

def test_display_formulas_fit_the_column(visits, laptop_layouts):
    "A display formula is never clipped: it fits the text column of a 1280 px wide window."
    bad = {page: l['wide_math'] for page, l in laptop_layouts.items() if l['wide_math']}
    assert not bad, f'display formulas wider than the text column at 1280 px: {bad}'

def test_pages_show_no_machine_path_or_warning(visits):
    "No page shows a home folder or the installed packages of the machine that ran its examples, nor a warning (the code of a cell aside)."
    found = {page: [seen['shown_text'][max(0, m.start() - 50):m.end() + 50].replace('\n', ' ') for m in MACHINE_TEXT.finditer(seen['shown_text'])][:3]
             for page, seen in visits.items()}
    found = {page: f for page, f in found.items() if f}
    assert not found, 'pages showing a machine path or a warning:\n' + '\n'.join(f'{p}: {f}' for p, f in found.items())

def test_screenshots_saved(visits):
    for name in SCREENSHOTS.values():
        shot = ARTIFACTS/name
        assert shot.exists() and shot.read_bytes().startswith(b'\x89PNG'), shot
