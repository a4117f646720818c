"""Checks of the project's shape that belong to no notebook: packaging, settings, CI wiring."""
import ast, base64, configparser, json, re, tomllib
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
            assert re.match(r'(\d\d[a-z]?|A\d)_', nb.name), f'{nb.name}: library notebooks are numbered (01_, 01a_ for one inserted after 01, A1_ for an appendix)'
    for nb in (ROOT / 'nbs' / 'experiments').glob('*.ipynb'):
        assert 'default_exp' not in nb.read_text(), f'{nb}: experiment notebooks are never exported'


def _cells(nb: Path) -> list[dict]:
    return json.loads(nb.read_text())['cells']


def _source(cell: dict) -> str:
    return ''.join(cell['source'])


LIBRARY_NOTEBOOKS = sorted(p for p in (ROOT / 'nbs').glob('*.ipynb') if p.name != 'index.ipynb')


def test_export_cells_hold_one_public_definition():
    "One idea per export cell: at most one public top-level function or class (private helpers beside it are fine)."
    crowded = []
    for nb in LIBRARY_NOTEBOOKS:
        for i, cell in enumerate(_cells(nb)):
            src = _source(cell)
            if cell['cell_type'] != 'code' or not re.match(r'\s*#\|\s*export', src): continue
            tree = ast.parse('\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!'))))
            public = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                      and not n.name.startswith('_')]
            if len(public) > 1: crowded.append(f"{nb.name} cell {i}: {', '.join(public)}")
    assert not crowded, 'export cells with more than one public function or class:\n  ' + '\n  '.join(crowded)


def test_notebooks_cite_no_file_outside_the_repository():
    "The notebooks state every value and reason themselves: no design notes or sibling folders cited."
    outside = re.compile(r'STUDY\.md|shared/design|\.\./shared|\.\./\.\./')
    hits = [f"{nb.relative_to(ROOT)}: {m.group(0)}" for nb in sorted((ROOT / 'nbs').rglob('*.ipynb'))
            if '.ipynb_checkpoints' not in nb.parts for m in outside.finditer(nb.read_text())]
    assert not hits, 'notebooks cite files outside the repository:\n  ' + '\n  '.join(hits)


def test_library_notebooks_show_their_outputs_small():
    "Every chapter is committed with outputs (the methods document shows what each step does), images under 1 MB."
    for nb in LIBRARY_NOTEBOOKS:
        cells = [c for c in _cells(nb) if c['cell_type'] == 'code']
        shown = [c for c in cells if c.get('outputs')]
        assert shown, f"{nb.name}: committed without outputs (run tools/notebook_outputs.py --write {nb.relative_to(ROOT)})"
        image_bytes = sum(len(base64.b64decode(''.join(o['data']['image/png'])))
                          for c in shown for o in c['outputs'] if 'image/png' in o.get('data', {}))
        assert image_bytes < 1_000_000, f"{nb.name}: {image_bytes / 1e6:.1f} MB of images; keep figures small"
        stderr = [c.get('id') for c in shown for o in c['outputs'] if o.get('name') == 'stderr']
        assert not stderr, f"{nb.name}: stderr outputs (progress bars, warnings) committed in cells {stderr}"
