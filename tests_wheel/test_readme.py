"""Every Python example of the README, as the wheel carries it (its long description), run in order in one namespace, as a
reader would paste them into one session; and the first example prints the numbers the README shows."""
import contextlib, io, re
from importlib.metadata import metadata

import pytest


def readme()->str:
    md = metadata('gini_loss')
    return md.get_payload() or md['Description']


def python_blocks(text:str)->list:
    "The README's ```python blocks, with the output the README shows right after each (its indented lines), if any."
    res = []
    for m in re.finditer(r'```python\n(.*?)\n```\n(?:\n((?:    [^\n]*\n|\n)+))?', text, re.S):
        shown = '\n'.join(l[4:] for l in (m.group(2) or '').splitlines()).strip()
        res.append((m.group(1), shown))
    return res


def test_readme_has_examples():
    assert len(python_blocks(readme())) >= 3


def test_readme_examples_run_in_order(tmp_path):
    ns = {'__name__': '__readme__'}
    outputs = []
    for i, (code, shown) in enumerate(python_blocks(readme()), 1):
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf): exec(compile(code, f'<README example {i}>', 'exec'), ns)
        except Exception as e:
            pytest.fail(f"README example {i} failed: {type(e).__name__}: {e}\n--- code ---\n{code}")
        outputs.append((buf.getvalue().strip(), shown))
    # the first example is deterministic: it prints what the README shows
    printed, shown = outputs[0]
    assert printed == shown, (printed, shown)
