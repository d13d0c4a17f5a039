from configparser import ConfigParser
import setuptools, shlex

# Everything is read from settings.ini, the one place nbdev and pip both look.
config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

cfg_keys = 'version description keywords author author_email'.split()
expected = cfg_keys + "lib_name branch license status min_python audience language".split()
for o in expected: assert o in cfg, "missing expected setting: {}".format(o)
setup_cfg = {o:cfg[o] for o in cfg_keys}

# settings.ini `license` as an SPDX expression, and the classifier older setuptools (before 77) use in its place.
licenses = {
    'apache2': ('Apache-2.0', 'OSI Approved :: Apache Software License'),
    'mit': ('MIT', 'OSI Approved :: MIT License'),
}
statuses = [ '1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive' ]
# The Python versions `tools/test_wheel.sh` installs the wheel into (its oldest end and its newest end).
py_versions = '3.11'.split()

def reqs(key:str)->list:
    "The requirements in settings.ini `key`, one per word; `#` starts a comment running to the end of its line."
    return shlex.split(cfg.get(key, ''), comments=True)

requirements = reqs('requirements')
extras = {name: reqs(f'{name}_requirements') for name in ('dev', 'cvt', 'lightning', 'accelerate')}
lic = licenses.get(cfg['license'].lower(), (cfg['license'], None))
spdx = int(setuptools.__version__.split('.')[0]) >= 77 # License-Expression metadata (PEP 639)
license_cfg = {'license_expression': lic[0]} if spdx else {'license': lic[0]}
min_python = cfg['min_python']
console_scripts = cfg.get('console_scripts', '').split()

# Addresses only where they exist: settings.ini leaves `git_url` and `doc_host` empty while the project has neither.
project_urls = {name: url for name, url in [('Source', cfg.get('git_url', '').strip()),
                                            ('Documentation', (cfg.get('doc_host', '').strip() and
                                                               cfg['doc_host'].strip().rstrip('/') + cfg.get('doc_baseurl', '')))]
                if url}

setuptools.setup(
    name = cfg['lib_name'],
    classifiers = [
        'Development Status :: ' + statuses[int(cfg['status']) - 1],
        'Intended Audience :: ' + cfg['audience'].title(),
        'Natural Language :: ' + cfg['language'].title(),
    ] + ['Programming Language :: Python :: '+o for o in py_versions[py_versions.index(min_python):]] + (['License :: ' + lic[1]] if lic[1] and not spdx else []),
    **({'url': project_urls['Source']} if 'Source' in project_urls else {}),
    project_urls = project_urls,
    packages = setuptools.find_packages(include=[cfg['lib_name'], cfg['lib_name'] + '.*']),
    include_package_data = True,
    install_requires = requirements,
    extras_require = extras,
    python_requires  = '>=' + cfg['min_python'],
    long_description = open('README.md', encoding='utf-8').read(),
    long_description_content_type = 'text/markdown',
    zip_safe = False,
    entry_points = {
        'console_scripts': console_scripts,
        'nbdev': [f'{cfg.get("lib_path")}={cfg.get("lib_path")}._modidx:d']
    },
    **license_cfg,
    **setup_cfg)
