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
    rule = meta['verdict'].get('rules', {}).get(r['aggregation'], meta['verdict'])
    assert r['thresholds']['threshold'] == rule['threshold'] and r['thresholds']['fraction'] == rule['fraction']
    faces = r['faces']
    assert faces and r['n_faces'] == len(faces)
    for f in faces:
        assert f['frame'] % every == 0
        assert 0 <= f['prob'] <= 1
        x1, y1, x2, y2 = f['box']
        assert x2 > x1 and y2 > y1
    probs = [f['prob'] for f in faces]
    t, frac = r['thresholds']['threshold'], r['thresholds']['fraction']
    n_fake = sum(p > t for p in probs)
    assert r['n_fake'] == n_fake
    if r['aggregation'] == 'pooled':
        want, score = ('FAKE' if n_fake >= frac * len(probs) else 'REAL'), sum(probs) / len(probs)
    else:   # per person: FAKE when any person's faces pass the rule; score = the highest person mean
        people = {}
        for f in faces: people.setdefault(f['track'], []).append(f['prob'])
        want = 'FAKE' if any(sum(p > t for p in ps) >= frac * len(ps) for ps in people.values()) else 'REAL'
        score = max(sum(ps) / len(ps) for ps in people.values())
        assert r['n_people'] == len(people) == len(r['people'])
    assert r['verdict'] == want
    assert r['score'] == pytest.approx(score, abs=1e-6)


@pytest.mark.parametrize('method,aggregation', [('plain', 'track'), ('mri', 'track'), ('plain', 'pooled')])
def test_detect_scores_a_test_video(study, method, aggregation):
    env, run_dir, videos = study
    res = run_cli(['detect', videos[0], '--profile', 'smoke', '--method', method, '--aggregation', aggregation, '--json'], env, check=0)
    (r,) = json.loads(res.stdout)
    assert r['aggregation'] == aggregation
    _check_scored(r, run_dir / 'detector' / method)


def test_bad_videos_get_their_own_lines(study, tmp_path):
    env, run_dir, videos = study
    empty, text = tmp_path / 'empty.mp4', tmp_path / 'text.mp4'
    empty.write_bytes(b''); text.write_text('not a video')
    out = run_cli(['detect', empty, videos[0], text, '--profile', 'smoke'], env, check=0).stdout
    assert f'UNREADABLE: {empty}: empty file' in out and f'UNREADABLE: {text}: not a video: the file holds text' in out
    assert 'scored 1 of 3' in out
    block = out[out.index(f': {videos[0]}') - 4:]   # the scored video's block: verdict, score, rule, faces
    assert block.split(':')[0] in ('FAKE', 'REAL') and 'score ' in block and 'rule (track): FAKE when' in block and 'P(fake)' in block
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


def _wide_shot(path: Path, w=1920, h=1080, face=48, n=11):
    "A 1080p wide shot with the astronaut's face about `face` px wide (the README's old --downscale 0.25 advice lost it)."
    import numpy as np
    from skimage import data as skd
    rng = np.random.default_rng(0)
    bg = cv2.resize(cv2.GaussianBlur(rng.integers(0, 255, (h // 4, w // 4, 3), dtype=np.uint8), (0, 0), 3), (w, h))
    s = int(face * 320 / 85); src = cv2.resize(skd.astronaut()[0:320, 80:400], (s, s), interpolation=cv2.INTER_AREA)
    vw = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), 30, (w, h))
    for i in range(n):
        f = bg.copy(); x, y = int(0.4 * w) + 2 * i, h // 3
        f[y:y + s, x:x + s] = src; vw.write(cv2.cvtColor(f, cv2.COLOR_RGB2BGR))
    vw.release()
    return path


def test_wide_shot_face_found_at_default_and_any_downscale(study, tmp_path):
    env, run_dir, _ = study
    vid = _wide_shot(tmp_path / 'wide.mp4')
    for extra in ([], ['--downscale', '0.5'], ['--downscale', '0.25'], ['--downscale', '0.1']):
        (r,) = json.loads(run_cli(['detect', vid, '--profile', 'smoke', '--json', *extra], env, check=0).stdout)
        assert r['status'] == 'ok' and r['n_faces'] == r['frames_read'] == 2 and r['n_people'] == 1, (extra, r['status'], r['reason'], r['n_faces'])
        x1, y1, x2, y2 = r['faces'][0]['box']
        assert 35 < x2 - x1 < 70 and abs(x1 - 826) < 20, (extra, r['faces'][0]['box'])   # where the native-size detection puts it


def test_bad_inputs_each_get_a_named_status(study, tmp_path):
    import numpy as np
    env, run_dir, videos = study
    good = videos[0]
    d = tmp_path / 'in'; d.mkdir()
    (d / 'empty.mp4').write_bytes(b''); (d / 'text.mp4').write_text('hello')
    (d / 'cut.mp4').write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    def write(name, fourcc, size, n=12, gray=False):
        vw = cv2.VideoWriter(str(d / name), cv2.VideoWriter_fourcc(*fourcc), 30, size, isColor=not gray)
        frames = [f for _, f in __import__('mri_gan_nb.video', fromlist=['iter_frames']).iter_frames(good)][:n]
        for f in frames:
            f = cv2.resize(f, size)
            vw.write(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) if gray else cv2.cvtColor(f, cv2.COLOR_RGB2BGR))
        vw.release()
    write('mjpg.avi', 'MJPG', (256, 192)); write('odd.avi', 'MJPG', (97, 61)); write('banner.avi', 'MJPG', (96, 18))
    write('gray.avi', 'MJPG', (256, 192), gray=True)
    (d / 'two words é.mp4').write_bytes(good.read_bytes())
    before = sorted(p.name for p in d.iterdir())
    res = run_cli(['detect', d, '--profile', 'smoke', '--json'], env, check=0)
    got = {Path(r['video']).name: r for r in json.loads(res.stdout)}
    assert set(got) == set(before), got.keys()
    assert got['empty.mp4']['reason'] == 'empty file (0 bytes)'
    assert got['text.mp4']['reason'] == 'not a video: the file holds text'
    assert got['cut.mp4']['status'] == 'unreadable' and got['cut.mp4']['reason'].startswith('truncated')
    assert got['banner.avi']['status'] == 'too_small' and '96x18' in got['banner.avi']['reason'] and got['banner.avi']['defaulted']
    assert got['banner.avi']['verdict'] == 'REAL' and got['banner.avi']['score'] == 0.5
    for name in ('mjpg.avi', 'two words é.mp4'):
        assert got[name]['status'] == 'ok' and got[name]['n_faces'] > 0, got[name]
    assert got['gray.avi']['status'] in ('ok', 'no_faces') and got['gray.avi']['frames_read'] > 0   # decoded (as RGB), judged
    # OpenCV's writers round 97x61 down to 96x60: decoded and judged at the size the file has
    assert got['odd.avi']['status'] in ('ok', 'no_faces') and got['odd.avi']['size'] == [96, 60], got['odd.avi']
    for r in got.values(): assert r['reason'] or r['status'] == 'ok'
    assert sorted(p.name for p in d.iterdir()) == before and 'Traceback' not in res.stderr     # nothing written beside them


def test_out_resume_faces_out_report_and_multi_person(study, tmp_path):
    import pandas as pd
    env, run_dir, videos = study
    man = json.loads((run_dir / 'synthetic' / 'manifest.json').read_text())
    multi = [v for v in man['videos'] if v['kind'] == 'multi_faces' and v['label'] == 'FAKE' and v['split'] == 'test']
    assert multi, 'the test split has a multi-person fake'
    vid = run_dir / 'synthetic' / multi[0]['path']
    out, faces, rep = tmp_path / 'res.csv', tmp_path / 'faces.csv', tmp_path / 'report'
    args = ['detect', vid, videos[0], '--profile', 'smoke', '--out', out, '--faces-out', faces, '--report', rep, '--method', 'mri']
    first = run_cli(args, env, check=0).stdout
    assert 'person 0:' in first and 'person 1:' in first
    rows = pd.read_csv(out)
    assert rows['video'].tolist() == [str(vid), str(videos[0])]
    assert rows.loc[0, 'n_people'] == len(multi[0]['people']), rows.loc[0].to_dict()
    fr = pd.read_csv(faces)
    assert set(fr.columns) >= {'video', 'frame', 'track', 'prob'} and fr['track'][fr.video == str(vid)].nunique() == len(multi[0]['people'])
    assert sorted(p.suffix for p in rep.iterdir()) == ['.png', '.png']
    again = run_cli(args, env, check=0).stdout                      # resumes: nothing left to do
    assert 'already in' in again and len(pd.read_csv(out)) == 2


def test_mri_command_names_bad_sizes(tmp_path, work_env):
    "`mri --size 0` used to end in an OpenCV assertion, `--size 8` in scikit-image's win_size text."
    import numpy as np
    rng = np.random.default_rng(0)
    for name in ('real.png', 'fake.png'):
        cv2.imwrite(str(tmp_path / name), rng.integers(0, 256, (40, 40, 3), dtype=np.uint8))
    for size in ('0', '8', '-5'):
        err = run_cli(['mri', tmp_path / 'real.png', tmp_path / 'fake.png', '--out', tmp_path / 'x.png', '--size', size],
                      work_env, check=2).stderr
        assert f'--size {size}' in err and 'at least 16' in err and 'Traceback' not in err, err
    assert not (tmp_path / 'x.png').exists()
    run_cli(['mri', tmp_path / 'real.png', tmp_path / 'fake.png', '--out', tmp_path / 'ok.png', '--size', '16'], work_env, check=0)
    assert cv2.imread(str(tmp_path / 'ok.png')).shape == (16, 16, 3)


def test_many_videos_on_dask_workers_match_in_process(study, tmp_path):
    "The engine (2 local Dask workers, each loading the model once) scores every video as the serial loop does, in the order given."
    env, run_dir, videos = study
    args = ['detect', *videos[:4], tmp_path / 'nope.mp4', '--profile', 'smoke', '--json']
    serial = json.loads(run_cli(args, env, check=0).stdout)
    dask = json.loads(run_cli(args + ['--workers', '2'], env, check=0).stdout)
    keep = lambda rs: [(r['video'], r['status'], r.get('verdict'), r.get('score'), r.get('n_faces'),
                        [(f['frame'], f['track'], round(f['prob'], 6)) for f in r.get('faces', [])]) for r in rs]
    assert keep(dask) == keep(serial) and len(serial) == 5 and serial[-1]['status'] != 'ok'
