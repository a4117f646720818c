"""Shared fixtures: isolated work dirs (tests never write into the repo's work/ or figures/), and one
smoke study per test session that the study and detect tests share."""
import os, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLI = [str(Path(sys.executable).parent / 'mri-gan-nb')]   # the installed console script


def isolated_env(base: Path) -> dict:
    "Environment whose settings send every output under `base` (work dir and figures)."
    return dict(os.environ, MRI_GAN_NB_WORK_DIR=str(base / 'work'), MRI_GAN_NB_FIGURES_DIR=str(base / 'figures'),
                PYTHONUNBUFFERED='1')


@pytest.fixture
def work_env(tmp_path, monkeypatch):
    "An isolated environment for one test (also applied to this process)."
    env = isolated_env(tmp_path)
    for k, v in env.items(): monkeypatch.setenv(k, v)
    return env


def run_cli(args, env, cwd=ROOT, check=None):
    "Run `mri-gan-nb ARGS` in a subprocess; return the CompletedProcess (text output)."
    res = subprocess.run(CLI + list(map(str, args)), env=env, cwd=cwd, capture_output=True, text=True)
    if check is not None:
        assert res.returncode == check, f"exit {res.returncode}\nstdout:\n{res.stdout[-3000:]}\nstderr:\n{res.stderr[-3000:]}"
    return res


@pytest.fixture(scope='session')
def smoke_study(tmp_path_factory):
    "Run `mri-gan-nb study --profile smoke` once: (env, run dir, the command's output)."
    env = isolated_env(tmp_path_factory.mktemp('smoke_study'))
    res = run_cli(['study', '--profile', 'smoke'], env, check=0)
    return env, Path(env['MRI_GAN_NB_WORK_DIR']) / 'smoke', res.stdout
