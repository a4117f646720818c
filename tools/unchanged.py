"""Run a command and fail if it changed any file under a folder.

Used by `make test` to check that `nbdev-clean` and `nbdev-export` have nothing left to do:
    python tools/unchanged.py FOLDER -- COMMAND [ARGS...]
"""
import hashlib, subprocess, sys
from pathlib import Path


def snapshot(folder: Path) -> dict:
    "Map every file under `folder` (caches excluded) to the SHA-256 of its bytes."
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob('*'))
            if p.is_file() and '__pycache__' not in p.parts and '.ipynb_checkpoints' not in p.parts}


def main(argv):
    if len(argv) < 3 or argv[1] != '--':
        sys.exit(__doc__)
    folder, cmd = Path(argv[0]), argv[2:]
    before = snapshot(folder)
    subprocess.run(cmd, check=True)
    after = snapshot(folder)
    changed = sorted({str(p) for p in before.keys() | after.keys() if before.get(p) != after.get(p)})
    if changed:
        print(f"`{' '.join(cmd)}` changed {len(changed)} file(s) under {folder}/ (now fixed in your "
              f"working tree; commit them):\n  " + '\n  '.join(changed))
        sys.exit(1)
    print(f"ok: `{Path(cmd[0]).name}` leaves {folder}/ unchanged")


if __name__ == '__main__':
    main(sys.argv[1:])
