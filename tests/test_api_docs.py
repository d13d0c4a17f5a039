"""Every public name of `gini_loss` is documented in its own words.

- Docstrings: every callable in a module's `__all__`, every public method or property defined in the package's classes, and
  every public symbol of nbdev's index (`_modidx.py`, which adds the methods the package patches onto other libraries' classes)
  has a docstring of its own: not one inherited from a base class, nor the docstring of the type of an object (a `partial`, a
  dispatcher), nor the signature a dataclass writes in place of a missing one. `show_doc` falls back to such a docstring, which is
  how the pages came to show "Call self as a function."
- Pages: no page of the built site (`_docs/`, the `docs_site` fixture) shows "Call self as a function."
- Entries: every public function, class, method and property has its own `show_doc` entry, at the anchor nbdev's index links it
  to; every constant in `__all__` is named in the prose of its module's page, or has an entry.
"""
import dataclasses, functools, importlib, inspect, pkgutil, re
from html.parser import HTMLParser

import gini_loss
from docsite import anchor_id, page_path

INHERITED = 'Call self as a function.'


def _modules():
    "The package's public modules."
    return [importlib.import_module(f'gini_loss.{m.name}') for m in pkgutil.iter_modules(gini_loss.__path__) if not m.name.startswith('_')]


def _ours(obj):
    "Whether `obj` (a class or a function) was defined in the package."
    return (getattr(obj, '__module__', None) or '').split('.')[0] == 'gini_loss'


def _is_member(attr):
    "Whether a class attribute is a method or a property, rather than data."
    if isinstance(attr, (staticmethod, classmethod, property, functools.partialmethod)): return True
    return callable(attr) and not inspect.isclass(attr)


def _class_doc(cls):
    "The docstring class `cls` defines, `None` for the signature a dataclass or a named tuple without one gets, `Name(a, b)`."
    doc = cls.__dict__.get('__doc__')
    if doc and (dataclasses.is_dataclass(cls) or issubclass(cls, tuple)) and re.fullmatch(rf'{re.escape(cls.__name__)}\(.*\)', doc.strip(), re.DOTALL): return None
    return doc


def _docstring(obj):
    "The docstring `obj` shows, `None` for a class's generated one or for the one another callable takes from its type."
    if isinstance(obj, (staticmethod, classmethod)): obj = obj.__func__
    if isinstance(obj, property): return obj.fget.__doc__ if obj.fget else obj.__doc__
    if inspect.isclass(obj): return _class_doc(obj)
    if inspect.isfunction(obj) or inspect.ismethod(obj) or inspect.isbuiltin(obj): return obj.__doc__
    # Any other callable (a `functools.partial`, a plum or fastcore dispatcher, an instance with `__call__`): its docstring
    # is its own only if it differs from its type's.
    doc = getattr(obj, '__doc__', None)
    return None if doc == type(obj).__doc__ else doc


def own_doc(obj):
    "The docstring `obj` has of its own, or `None` when it has none or only an inherited or generated one."
    doc = _docstring(obj)
    return doc if doc and doc.strip() and doc.strip() != INHERITED else None


def _members(cls, qual, modname):
    "The public methods and properties class `cls` (named `qual`) defines, `{qualified name: (module name, attribute)}`."
    return {f'{qual}.{k}': (modname, attr) for k, attr in vars(cls).items() if not k.startswith('_') and _is_member(attr)}


def _static_attr(obj, parts):
    "The attribute at the dotted path `parts` below `obj`, looked up without running descriptors; `None` if missing."
    for p in parts: obj = inspect.getattr_static(obj, p, None) if obj is not None else None
    return obj


def _module_symbols(mod):
    "`public_symbols` of one module's `__all__`: its callables, with the public members of the package's classes; its constants."
    names = getattr(mod, '__all__', None)
    assert names is not None, f'{mod.__name__} has no __all__'
    syms, consts = {}, {}
    for name in names:
        obj = getattr(mod, name)
        qual = f'{mod.__name__}.{name}'
        if not callable(obj): consts[qual] = mod.__name__, obj
        else: syms[qual] = mod.__name__, obj
        if inspect.isclass(obj) and _ours(obj): syms.update(_members(obj, qual, mod.__name__))
    return syms, consts


def public_symbols():
    """Every public name the package documents, `{qualified name: (module name, object)}`: callables of `__all__`, the public
    methods and properties of the package's classes, the public symbols of nbdev's index; and the same for the constants."""
    from gini_loss._modidx import d
    syms, consts = {}, {}
    for mod in _modules():
        mod_syms, mod_consts = _module_symbols(mod)
        syms.update(mod_syms)
        consts.update(mod_consts)
    for modname, full in [(modname, full) for modname, entries in d['syms'].items() for full in entries]:
        parts = full[len(modname) + 1:].split('.')
        if any(p.startswith('_') for p in parts) or full in syms: continue
        syms[full] = modname, _static_attr(importlib.import_module(modname), parts)
    return syms, consts


def test_every_public_name_has_its_own_docstring():
    syms, _ = public_symbols()
    missing = sorted(qual for qual, (_, obj) in syms.items() if obj is None or own_doc(obj) is None)
    assert not missing, ('public names without a docstring of their own (an overriding method needs its own; '
                         'show_doc would show its base\'s or "Call self as a function."):\n' + '\n'.join(missing))


def _pages(docs):
    "Every page of the built site: {path relative to the site: HTML}."
    return {f.relative_to(docs).as_posix(): f.read_text() for f in docs.rglob('*.html') if f.relative_to(docs).parts[0] != 'site_libs'}


def test_no_page_shows_an_inherited_docstring(docs_site):
    docs, _ = docs_site
    found = []
    for page, text in _pages(docs).items():
        for m in re.finditer(re.escape(INHERITED), text):
            ids = re.findall(r'<h[1-6][^>]* id="([^"]+)"', text[:m.start()])
            found.append(f'{page}#{ids[-1] if ids else ""}')
    assert not found, f'entries showing "{INHERITED}" (a method or property without a docstring):\n' + '\n'.join(found)


class _PageParts(HTMLParser):
    "The ids of the headings of a page's API entries, and the text of its prose (Markdown cells outside the entries)."
    def __init__(self):
        super().__init__()
        self.entry_ids, self.prose, self._divs = set(), [], []
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get('class') or '').split()
        if tag == 'div': self._divs.append('entry' if 'doc-entry' in classes else 'prose' if 'text_cell_render' in classes else '')
        if re.fullmatch(r'h[1-6]', tag) and attrs.get('id') and 'entry' in self._divs: self.entry_ids.add(attrs['id'])
    def handle_endtag(self, tag):
        if tag == 'div' and self._divs: self._divs.pop()
    def handle_data(self, data):
        if 'prose' in self._divs and 'entry' not in self._divs: self.prose.append(data)


def _module_page(mod):
    "The page of the notebook a module is exported from."
    m = re.search(r'File to edit: \.\./nbs/(\S+\.ipynb)', inspect.getsource(mod))
    return page_path(m.group(1)) if m else None


def _page_parts(f):
    "The `_PageParts` of the HTML file `f`, empty when there is no such file."
    p = _PageParts()
    if f.exists(): p.feed(f.read_text())
    return p


def test_every_public_name_has_its_own_entry(docs_site):
    from gini_loss._modidx import d
    docs, _ = docs_site
    pages = {}
    def parts(page):
        if page not in pages: pages[page] = _page_parts(docs/page)
        return pages[page]
    urls = {full: url for entries in d['syms'].values() for full, (url, _) in entries.items()}
    syms, consts = public_symbols()
    missing = []
    for qual, (modname, obj) in sorted(syms.items()):
        if qual in urls: page, _, anchor = urls[qual].partition('#')
        # Not in nbdev's index (a method made by a decorator or a dispatcher): its module's page, its own anchor.
        else: page, anchor = _module_page(importlib.import_module(modname)), anchor_id(qual[len(modname) + 1:])
        if page is None or anchor not in parts(page).entry_ids: missing.append(f'{qual} (expected at {page}#{anchor})')
    for qual, (modname, _) in sorted(consts.items()):
        name = qual[len(modname) + 1:]
        page = _module_page(importlib.import_module(modname))
        p = parts(page) if page else None
        if p is None or not (anchor_id(name) in p.entry_ids or re.search(rf'\b{re.escape(name)}\b', ' '.join(p.prose))):
            missing.append(f'{qual} (a constant: named in the prose of {page}, or an entry there)')
    assert not missing, 'public names without an entry of their own on their page:\n' + '\n'.join(missing)
