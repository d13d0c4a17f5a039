"The installed distribution: imported from site-packages, one version everywhere, and metadata a user can trust."
import os, re
from importlib.metadata import metadata, version, requires, entry_points
from pathlib import Path

import gini_loss


def test_imported_from_the_installed_wheel():
    path = Path(gini_loss.__file__).resolve()
    assert 'site-packages' in path.parts, f"gini_loss was imported from {path}, not from the installed wheel"


def test_one_version_everywhere():
    "settings.ini's version (passed by the script), `gini_loss.__version__` and the wheel's metadata agree."
    assert gini_loss.__version__ == version('gini_loss')
    expected = os.environ.get('GINI_LOSS_EXPECTED_VERSION')
    if expected: assert version('gini_loss') == expected, f"settings.ini says {expected}, the wheel {version('gini_loss')}"


def test_metadata():
    md = metadata('gini_loss')
    assert md.get('License-Expression') == 'Apache-2.0' or md.get('License') == 'Apache-2.0'
    assert md['Requires-Python'] == '>=3.11'
    assert md['Description-Content-Type'] == 'text/markdown'
    description = md.get_payload() or md['Description']
    assert description.startswith('# gini_loss'), "the README is the long description"
    assert 'Programming Language :: Python :: 3.11' in md.get_all('Classifier')
    # no address of a host that does not exist
    urls = (md.get_all('Project-URL') or []) + [md.get('Home-page') or '']
    assert not any('gini-loss.github.io' in u or 'github.com/gini-loss' in u for u in urls), urls


def test_requirements_are_ranges():
    "Runtime requirements have no `==` pin; the development tools (nbdev, execnb) come with the `dev` extra only."
    runtime = [r for r in requires('gini_loss') if 'extra ==' not in r]
    assert runtime and not [r for r in runtime if '==' in r], runtime
    assert not [r for r in runtime if re.match(r'(nbdev|execnb)\b', r)], runtime
    extras = metadata('gini_loss').get_all('Provides-Extra')
    assert {'dev', 'cvt', 'lightning', 'accelerate'} <= set(extras), extras


def test_console_script_declared():
    eps = [e for e in entry_points(group='console_scripts') if e.name == 'gini_loss_train']
    assert len(eps) == 1 and eps[0].value.startswith('gini_loss.experiments:')
