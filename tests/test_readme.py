"""The README's Python example runs as written."""
import re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / 'README.md').read_text(), re.S)
    assert blocks, 'the README shows how to import the package'
    assert len(blocks[0].strip().splitlines()) <= 6
    res = subprocess.run([sys.executable, '-c', blocks[0]], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    taus, mri_max = res.stdout.rsplit(maxsplit=1)
    assert taus == '(0.3, 0.5, 0.7)' and 0.5 < float(mri_max) <= 1.0, res.stdout


def test_readme_results_are_the_committed_figures():
    "The README's results paragraph is computed from figures/, never typed in."
    sys.path.insert(0, str(ROOT / 'tools'))
    from readme_results import results_block, START, END
    readme = (ROOT / 'README.md').read_text()
    assert f"{START}\n{results_block()}\n{END}" in readme, 'run python tools/readme_results.py after make study'
