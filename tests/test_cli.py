"""The `mri-gan-nb` command as a user runs it: real subprocesses, real files, bad inputs."""
import json

import cv2
import numpy as np

from conftest import run_cli
from mri_gan_nb.data import read_dfdc_train, read_dfdc_labelled, read_celeb_df


def test_help_lists_subcommands(work_env):
    out = run_cli(['--help'], work_env, check=0).stdout
    for cmd in ('synth', 'mri', 'study'): assert cmd in out


def test_synth_writes_a_readable_mini_dfdc(tmp_path, work_env):
    out = tmp_path / 'mini'
    res = run_cli(['synth', out, '--profile', 'smoke', '--seed', '1', '--json'], work_env, check=0)
    summary = json.loads(res.stdout)
    train = read_dfdc_train(out / 'dfdc_train')
    test = read_dfdc_labelled(out / 'dfdc_test', 'test')
    celeb = read_celeb_df(out / 'Celeb-DF-v2')
    assert (train.status == 'ok').all() and (test.status == 'ok').all() and (celeb.status == 'ok').all()
    assert len(train) + len(test) + len(read_dfdc_labelled(out / 'dfdc_valid', 'valid')) + len(celeb) == summary['n_videos']
    fakes = train[train.label == 'FAKE']
    assert len(fakes) and all(o in set(train.path) for o in fakes.original)
    # a second call with the same seed reuses the data; another seed refuses to overwrite it
    assert run_cli(['synth', out, '--profile', 'smoke', '--seed', '1'], work_env, check=0).stdout.startswith('synthetic mini-DFDC')
    err = run_cli(['synth', out, '--profile', 'smoke', '--seed', '2'], work_env, check=2).stderr
    assert 'mri-gan-nb: error:' in err and str(out) in err and 'Traceback' not in err


def test_mri_of_a_pair_and_bad_inputs(tmp_path, work_env):
    rng = np.random.default_rng(0)
    real = (rng.random((120, 100, 3)) * 255).astype(np.uint8)
    fake = real.copy(); fake[40:80, 30:70] = 255 - fake[40:80, 30:70]
    cv2.imwrite(str(tmp_path / 'real.png'), real); cv2.imwrite(str(tmp_path / 'fake.png'), fake)
    run_cli(['mri', tmp_path / 'real.png', tmp_path / 'fake.png', '--out', tmp_path / 'mri.png'], work_env, check=0)
    mri = cv2.imread(str(tmp_path / 'mri.png'))
    assert mri.shape == (256, 256, 3)
    # bright where the face was changed, black far from it
    assert mri[100:150, 100:160].mean() > 100 and mri[:40, :40].max() < 5
    err = run_cli(['mri', tmp_path / 'nope.png', tmp_path / 'fake.png', '--out', tmp_path / 'x.png'], work_env, check=2).stderr
    assert 'nope.png' in err and 'Traceback' not in err
    (tmp_path / 'text.png').write_text('not an image')
    err = run_cli(['mri', tmp_path / 'real.png', tmp_path / 'text.png', '--out', tmp_path / 'x.png'], work_env, check=2).stderr
    assert 'text.png' in err and 'Traceback' not in err
    assert not (tmp_path / 'x.png').exists()


def test_unknown_profile_is_a_clear_error(work_env):
    err = run_cli(['study', '--profile', 'fast'], work_env, check=2).stderr
    assert "unknown profile 'fast'" in err


def test_paper_profile_without_datasets_stops_before_any_work(tmp_path, work_env):
    env = {k: v for k, v in work_env.items() if not k.startswith('MRI_GAN_NB_DFDC')}
    err = run_cli(['study', '--profile', 'paper'], env, check=2).stderr
    assert '[paths] dfdc_train is not set' in err and 'MRI_GAN_NB_DFDC_TRAIN' in err
    assert not (tmp_path / 'work').exists(), 'nothing may be written before the inputs are checked'


def test_synth_is_the_same_in_every_process(tmp_path, work_env):
    "Same seed, same bytes: also across processes, whose string hashing (and so set order) differs."
    import hashlib
    digests = []
    for h in ('1', '2'):
        out = tmp_path / f'mini{h}'
        run_cli(['synth', out, '--profile', 'smoke', '--seed', '3'], {**work_env, 'PYTHONHASHSEED': h}, check=0)
        files = sorted(p for p in out.rglob('*') if p.suffix in ('.mp4', '.npz', '.png', '.csv', '.txt'))
        digests.append({str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files})
    assert digests[0] == digests[1]
