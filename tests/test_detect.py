"""`mri-gan-nb detect` as a user runs it, on the model directories of a smoke study: real subprocesses,
real videos of the synthetic test split, bad files beside them."""
import json
from pathlib import Path

import cv2
import pytest

from conftest import run_cli


@pytest.fixture(scope='module')
def study(smoke_study):
    env, run_dir, _ = smoke_study
    videos = sorted((run_dir / 'synthetic' / 'dfdc_test').glob('*.mp4'))
    assert videos, f"no test videos in {run_dir / 'synthetic' / 'dfdc_test'}"
    return env, run_dir, videos


def _settings(model_dir: Path) -> dict:
    return json.loads((model_dir / 'settings.json').read_text())


def _check_scored(r: dict, model_dir: Path):
    meta = json.loads((model_dir / 'model.json').read_text())
    every = _settings(model_dir)['frame_every']
    assert r['status'] == 'ok', r
    for k in ('video', 'verdict', 'score', 'n_faces', 'n_fake', 'faces', 'thresholds', 'method', 'seconds'):
        assert k in r, k
    assert r['method'] == meta['method']
    assert r['thresholds']['threshold'] == meta['verdict']['threshold']
    assert r['thresholds']['fraction'] == meta['verdict']['fraction']
    faces = r['faces']
    assert faces and r['n_faces'] == len(faces)
    for f in faces:
        assert f['frame'] % every == 0
        assert 0 <= f['prob'] <= 1
        x1, y1, x2, y2 = f['box']
        assert x2 > x1 and y2 > y1
    probs = [f['prob'] for f in faces]
    n_fake = sum(p > r['thresholds']['threshold'] for p in probs)
    assert r['n_fake'] == n_fake
    want = 'FAKE' if n_fake >= r['thresholds']['fraction'] * len(probs) else 'REAL'
    assert r['verdict'] == want
    assert r['score'] == pytest.approx(sum(probs) / len(probs), abs=1e-6)


@pytest.mark.parametrize('method', ['plain', 'mri'])
def test_detect_scores_a_test_video(study, method):
    env, run_dir, videos = study
    res = run_cli(['detect', videos[0], '--profile', 'smoke', '--method', method, '--json'], env, check=0)
    (r,) = json.loads(res.stdout)
    _check_scored(r, run_dir / 'detector' / method)


def test_bad_videos_get_their_own_lines(study, tmp_path):
    env, run_dir, videos = study
    empty, text = tmp_path / 'empty.mp4', tmp_path / 'text.mp4'
    empty.write_bytes(b''); text.write_text('not a video')
    out = run_cli(['detect', empty, videos[0], text, '--profile', 'smoke'], env, check=0).stdout
    assert f'UNREADABLE: {empty}: empty file' in out and f'UNREADABLE: {text}: OpenCV cannot open it' in out
    assert 'scored 1 of 3' in out
    block = out[out.index(f': {videos[0]}') - 4:]   # the scored video's block: verdict, score, rule, faces
    assert block.split(':')[0] in ('FAKE', 'REAL') and 'score ' in block and 'rule: FAKE when' in block and 'P(fake)' in block
    # only bad videos: exit 1, each still reported
    res = run_cli(['detect', empty, text, tmp_path / 'nope.mp4', '--profile', 'smoke', '--json'], env, check=1)
    assert [r['status'] for r in json.loads(res.stdout)] == ['unreadable', 'unreadable', 'missing']


def test_save_mri_writes_one_png_per_face_and_nothing_beside_the_video(study, tmp_path):
    env, run_dir, videos = study
    folder = videos[0].parent
    before = sorted(p.name for p in folder.iterdir())
    out = tmp_path / 'mris'
    res = run_cli(['detect', videos[0], '--profile', 'smoke', '--method', 'mri', '--save-mri', out, '--json'], env, check=0)
    (r,) = json.loads(res.stdout)
    pngs = sorted(out.rglob('*.png'))
    assert len(pngs) == r['n_faces'] > 0
    assert sorted(Path(f['mri']) for f in r['faces']) == pngs
    for p in pngs: assert cv2.imread(str(p)).shape == (256, 256, 3)
    assert sorted(p.name for p in folder.iterdir()) == before
    # the plain model makes no MRIs: a usage error, nothing written
    err = run_cli(['detect', videos[0], '--profile', 'smoke', '--save-mri', tmp_path / 'x'], env, check=2).stderr
    assert 'MRI' in err and not (tmp_path / 'x').exists()


def test_missing_model_dir_is_a_clear_error(study, tmp_path):
    env, run_dir, videos = study
    err = run_cli(['detect', videos[0], '--model', tmp_path / 'no_model'], env, check=2).stderr
    assert str(tmp_path / 'no_model') in err and 'Traceback' not in err
    # the default model dir of a profile whose study did not run names that dir
    err = run_cli(['detect', videos[0], '--profile', 'quick'], env, check=2).stderr
    assert str(Path(env['MRI_GAN_NB_WORK_DIR']) / 'quick' / 'detector' / 'plain') in err and 'study' in err
