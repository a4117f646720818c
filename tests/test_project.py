"""Checks of the project's shape that belong to no notebook: packaging, settings, CI wiring."""
import configparser, re, tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    "The distribution name of a requirement, normalised (PEP 503)."
    return re.split(r'[<>=!~;\[ ]', req.strip(), maxsplit=1)[0].lower().replace('_', '-')


def test_environment_yml_matches_pyproject():
    proj = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']
    wanted = proj['dependencies'] + proj['optional-dependencies']['dev']
    env = yaml.safe_load((ROOT / 'environment.yml').read_text())
    pip = next(d['pip'] for d in env['dependencies'] if isinstance(d, dict) and 'pip' in d)
    assert sorted(map(str.strip, wanted)) == sorted(map(str.strip, pip)), \
        f"environment.yml pip list differs from pyproject.toml: {set(wanted) ^ set(pip)}"
    assert {_name(r) for r in wanted} >= {'torch', 'torchvision', 'facenet-pytorch', 'efficientnet-pytorch', 'nbdev'}


def test_nbdev_config_lives_in_pyproject():
    cfg = tomllib.loads((ROOT / 'pyproject.toml').read_text())['tool']['nbdev']
    assert cfg['allowed_cell_metadata_keys'] == ['tags']       # keeps papermill's `parameters` tag
    assert set(cfg['tst_flags'].split()) == {'notest', 'slow'}
    assert cfg['lib_path'] == 'mri_gan_nb'


def test_settings_ini_is_the_studys_file():
    text = (ROOT / 'settings.ini').read_text()
    head = text[:800]
    assert 'STUDY' in head and 'pyproject.toml' in head, 'settings.ini must say at its top that it holds the study settings'
    cp = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(';',))
    cp.read_string(text)
    assert {'paths', 'smoke', 'quick', 'paper'} <= set(cp.sections())
    assert 'lib_name' not in cp['paths']                        # no leftover nbdev 2 keys


def test_ci_runs_make_test_and_readme_shows_both_commands():
    assert 'make test' in (ROOT / '.ci' / 'run').read_text()
    readme = (ROOT / 'README.md').read_text()
    assert readme.index('make study') < 2000 and readme.index('make test') < 2000, 'the two commands come first'


def test_one_notebook_per_module():
    exp = {}
    for nb in sorted((ROOT / 'nbs').glob('*.ipynb')):
        m = re.search(r'#\|\s*default_exp\s+(\S+)', nb.read_text())
        if m:
            assert m.group(1) not in exp, f"{nb.name} and {exp[m.group(1)]} both export {m.group(1)}"
            exp[m.group(1)] = nb.name
            assert re.match(r'\d\d[a-z]?_', nb.name), f'{nb.name}: library notebooks are numbered (05a_ sorts after 05_)'
    for nb in (ROOT / 'nbs' / 'experiments').glob('*.ipynb'):
        assert 'default_exp' not in nb.read_text(), f'{nb}: experiment notebooks are never exported'
