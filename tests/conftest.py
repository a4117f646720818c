"""Shared fixtures: an isolated work dir, so tests never write into the repo's work/ or figures/."""
import os, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLI = [str(Path(sys.executable).parent / 'mri-gan-nb')]   # the installed console script


@pytest.fixture
def work_env(tmp_path, monkeypatch):
    "Environment whose settings send every output under tmp_path (work dir and figures)."
    env = dict(os.environ, MRI_GAN_NB_WORK_DIR=str(tmp_path / 'work'), MRI_GAN_NB_FIGURES_DIR=str(tmp_path / 'figures'),
               PYTHONUNBUFFERED='1')
    for k, v in env.items(): monkeypatch.setenv(k, v)
    return env


def run_cli(args, env, cwd=ROOT, check=None):
    "Run `mri-gan-nb ARGS` in a subprocess; return the CompletedProcess (text output)."
    res = subprocess.run(CLI + list(map(str, args)), env=env, cwd=cwd, capture_output=True, text=True)
    if check is not None:
        assert res.returncode == check, f"exit {res.returncode}\nstdout:\n{res.stdout[-3000:]}\nstderr:\n{res.stderr[-3000:]}"
    return res
