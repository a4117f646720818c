"""Write or check the committed outputs of the library notebooks (`nbs/*.ipynb`).

The notebooks are the study's methods document, so they are committed with their outputs. This tool
executes a notebook exactly as `nbdev-test` does (nbdev's own `NBProcessor` and execnb's `CaptureShell`,
cells flagged with the `tst_flags` of pyproject.toml skipped, run in the notebook's folder) and then

    python tools/notebook_outputs.py --write [NOTEBOOK ...]   # put the fresh outputs into the notebooks
    python tools/notebook_outputs.py --check [NOTEBOOK ...]   # fail when a committed output is not current

With no notebook named, every library notebook (not `nbs/experiments/`, whose executed copies the study
publishes under `results/`). `--check` fails on any cell that raises (so it is a superset of
`nbdev-test`) and on any output that differs from the committed one, naming the notebook and cell:
text outputs are compared after masking temporary paths and memory addresses; images by size and
pixels (mean absolute difference at most 2 of 255, so font rasterisation may differ). stderr (warnings,
progress bars) is never written or compared. A cell whose output cannot be deterministic (a timing, a
benchmark) carries the comment line `# output varies`: it must run, its output is not compared. Cells
skipped by the test flags keep their committed outputs.
"""
from __future__ import annotations
import argparse, base64, json, os, re, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from mri_gan_nb.video import write_atomic   # the project's atomic writer (temporary name, then rename)
VARIES = re.compile(r'^#\s*output varies\b', re.M)
MASKS = [(re.compile(re.escape(str(ROOT)) + r'/?'), ''),      # the checkout's own path differs between machines
         (re.compile(r'0x[0-9a-fA-F]{6,}'), '0x…'),
         (re.compile(r'/tmp/[^\s\'",)\]]+'), '<tmp>'),
         (re.compile(r'\s+\n'), '\n')]


def library_notebooks() -> list[Path]:
    "Every notebook of nbs/ outside nbs/experiments and hidden folders, sorted."
    return sorted(p for p in (ROOT / 'nbs').glob('*.ipynb') if not p.name.startswith(('.', '_')))


def _skip_flags() -> list[str]:
    from nbdev.config import get_config
    return get_config().tst_flags.split()


def execute(fn: Path, cell_timeout: int = 600):
    """Execute notebook `fn` as nbdev-test does; returns (executed nb as a dict, error text or None).

    The executed notebook's code cells carry their fresh outputs (stderr dropped); cells skipped by the
    test flags keep their committed outputs."""
    from execnb.shell import CaptureShell
    from nbdev.process import NBProcessor
    from fastcore.xtras import working_directory
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    os.environ['IN_TEST'] = '1'
    from nbdev.test import nb_test_cells
    nb = NBProcessor(fn, rm_directives=False, process=True).nb
    keep = {c.idx_ for c in nb_test_cells(fn, _skip_flags())}   # nbdev-test's own choice of cells
    ran = {}

    def preproc(cell):   # True = leave the cell out, as nbdev-test does
        if cell.idx_ not in keep: return True
        ran[cell.idx_] = True
        return False

    shell = CaptureShell(fn)
    err = None
    try:
        with working_directory(fn.parent):
            shell.run_all(nb, exc_stop=True, preproc=preproc, cell_timeout=cell_timeout)
    except BaseException as e:  # the notebook failed: report it as nbdev-test would
        err = (shell.prettytb(fname=fn) if hasattr(shell, 'prettytb') else None) or repr(e)
    fresh = {}
    for cell in nb.cells:
        if cell.cell_type == 'code' and cell.idx_ in ran:
            outs = [dict(o) for o in cell.get('outputs', []) if not (o.get('output_type') == 'stream' and o.get('name') == 'stderr')]
            fresh[cell.idx_] = json.loads(json.dumps(outs, default=str))
    return fresh, err


def _norm_text(t) -> str:
    t = ''.join(t) if isinstance(t, list) else str(t)
    for pat, rep in MASKS: t = pat.sub(rep, t)
    return t.strip()


def _image(b64: str):
    import cv2, numpy as np
    data = base64.b64decode(''.join(b64) if isinstance(b64, list) else b64)
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def _summary(outs: list) -> list:
    "A comparable summary of a cell's outputs: (kind, masked text) and ('image', array) items."
    items = []
    for o in outs:
        kind = o.get('output_type')
        if kind == 'stream':
            if o.get('name') == 'stderr': continue
            items.append(('stdout', _norm_text(o.get('text', ''))))
        elif kind in ('execute_result', 'display_data'):
            data = o.get('data', {})
            if 'image/png' in data: items.append(('image', _image(data['image/png'])))
            else:
                for mime in ('text/markdown', 'text/html', 'text/plain'):
                    if mime in data: items.append((mime, _norm_text(data[mime]))); break
        elif kind == 'error':
            items.append(('error', o.get('ename', '')))
    merged = []   # consecutive stdout chunks are one stream whatever the flush points
    for k, v in items:
        if merged and k == 'stdout' and merged[-1][0] == 'stdout': merged[-1] = ('stdout', merged[-1][1] + '\n' + v)
        else: merged.append((k, v))
    return merged


def differences(committed: list, fresh: list) -> str | None:
    "None when the two output lists agree (see the module docstring), else a one-line reason."
    import numpy as np
    a, b = _summary(committed), _summary(fresh)
    if [k for k, _ in a] != [k for k, _ in b]:
        return f"outputs {[k for k, _ in a]} committed, {[k for k, _ in b]} now"
    for (k, x), (_, y) in zip(a, b):
        if k == 'image':
            if x is None or y is None or x.shape != y.shape:
                return f"image of size {None if x is None else x.shape} committed, {None if y is None else y.shape} now"
            mad = float(np.abs(x.astype(np.int16) - y.astype(np.int16)).mean())
            if mad > 2: return f"image differs (mean absolute difference {mad:.1f} of 255)"
        elif x != y:
            xs, ys = x.splitlines(), y.splitlines()
            i = next((i for i, (p, q) in enumerate(zip(xs, ys)) if p != q), min(len(xs), len(ys)))
            return f"{k} differs at line {i + 1}: committed {xs[i] if i < len(xs) else '<end>'!r}, now {ys[i] if i < len(ys) else '<end>'!r}"
    return None


def process(fn: str, mode: str) -> tuple[str, list[str], float]:
    "Execute notebook `fn`; `mode` 'write' stores the outputs, 'check' compares them. (name, problems, seconds)."
    t0, fn = time.time(), Path(fn).resolve()
    fresh, err = execute(fn)
    problems = [f"{fn.name}: the notebook fails:\n{err}"] if err else []
    raw = json.loads(fn.read_text())
    cells = [c for c in raw['cells']]
    for idx, outs in fresh.items():
        cell = cells[idx]
        if mode == 'write':
            cell['outputs'] = outs
        elif not VARIES.search(''.join(cell['source'])):
            why = differences(cell.get('outputs', []), outs)
            if why: problems.append(f"{fn.name}: cell {idx} ({cell.get('id', '?')}) output is not current: {why}")
    if mode == 'write' and not err:   # atomically: an interrupted --write never leaves a truncated notebook
        write_atomic(fn, json.dumps(raw, indent=1, ensure_ascii=False) + '\n')
    return fn.name, problems, time.time() - t0


def run_separately(fn: str, mode: str) -> tuple[str, list[str], float]:
    """`process` in a fresh interpreter, as a user runs a notebook: nothing one notebook imports, starts or
    replaces (IPython swaps `sys.modules['__main__']`) reaches the next, and a notebook's own process
    pools fork from a plain main process."""
    with tempfile.TemporaryDirectory() as d:
        result = Path(d) / 'result.json'
        proc = subprocess.run([sys.executable, __file__, '--one', mode, fn, '--result', str(result)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if not result.is_file():
            return Path(fn).name, [f"{Path(fn).name}: the run died (exit {proc.returncode}):\n{proc.stdout[-3000:]}"], 0.0
        name, problems, secs = json.loads(result.read_text())
        return name, problems, secs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument('--write', action='store_true', help='execute and store the outputs in the notebooks')
    g.add_argument('--check', action='store_true', help='execute and fail when a committed output is not current')
    g.add_argument('--one', choices=('write', 'check'), help=argparse.SUPPRESS)   # internal: one notebook, this process
    ap.add_argument('notebooks', nargs='*', help='notebooks (default: every library notebook)')
    ap.add_argument('--workers', type=int, default=2, help='notebooks executed at once (each in its own interpreter)')
    ap.add_argument('--result', help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.one:
        write_atomic(a.result, json.dumps(process(a.notebooks[0], a.one)))
        return
    mode = 'write' if a.write else 'check'
    nbs = [Path(p) for p in a.notebooks] or library_notebooks()
    problems = []
    with ThreadPoolExecutor(max(1, a.workers)) as pool:
        for name, probs, secs in pool.map(run_separately, [str(p.resolve()) for p in nbs], [mode] * len(nbs)):
            print(f"{'FAIL' if probs else 'ok  '} {name} ({secs:.0f} s)", flush=True)
            problems += probs
    if mode == 'write' and not problems:   # clean only the notebooks written, as nbdev-clean would on commit
        for p in nbs: subprocess.run([str(Path(sys.executable).parent / 'nbdev-clean'), '--fname', str(p)], check=True, cwd=ROOT)
    if problems:
        print('\n'.join(problems))
        if mode == 'check':
            print("\nRefresh the outputs with `python tools/notebook_outputs.py --write NOTEBOOK` and commit them "
                  "(mark a cell whose output cannot be deterministic with the line `# output varies`).")
        sys.exit(1)
    print(f"{len(nbs)} notebook(s): outputs {'written' if mode == 'write' else 'current'}")


if __name__ == '__main__':
    main()
