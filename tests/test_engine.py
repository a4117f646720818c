"""The data stages on the Dask engine: the same bytes with one worker, two workers or none, a stage
killed mid-way resumes to the same bytes, and a bad video gets its status and reason under Dask."""
import os, signal, subprocess, sys, time
from pathlib import Path

import pandas as pd
import pytest

from mri_gan_nb.faces import extract_faces
from mri_gan_nb.testing import write_face_video
from mri_gan_nb.mri_dataset import build_mri_df

FACES = dict(face_batch_size=16, device='cpu')
MRI = dict(mri_dfdc_fraction=1.0, mri_test_fraction=0.25, mri_use_celeb_df=False)


def tree(root: Path) -> dict:
    "Every file under `root` (relative path → bytes); the temporary files of an atomic write cut short by a kill are not outputs."
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob('*'))
            if p.is_file() and not (p.name.startswith('.') and p.name.endswith('.tmp'))}


@pytest.fixture(scope='module')
def videos(tmp_path_factory) -> pd.DataFrame:
    "A DFDC-like table: 3 originals with a fake each, a video without a face, a text file named .mp4, a missing file."
    src = tmp_path_factory.mktemp('videos')
    rows = []
    for k in range(3):
        o, f = src / f'real{k}.mp4', src / f'fake{k}.mp4'
        write_face_video(o, n_frames=21, seed=k); write_face_video(f, n_frames=21, kind='fake', seed=k)
        rows += [(f'dfdc/real{k}', str(o), 'REAL', ''), (f'dfdc/fake{k}', str(f), 'FAKE', str(o))]
    write_face_video(src / 'cat.mp4', kind='noface', n_frames=11)
    (src / 'text.mp4').write_text('not a video\n')
    rows += [('dfdc/cat', str(src / 'cat.mp4'), 'REAL', ''), ('dfdc/text', str(src / 'text.mp4'), 'REAL', ''),
             ('dfdc/gone', str(src / 'gone.mp4'), 'REAL', '')]
    t = pd.DataFrame(rows, columns=['video', 'path', 'label', 'original'])
    return t.assign(split='train', part=0, source='dfdc', status='ok', reason='').iloc[::-1].reset_index(drop=True)


@pytest.fixture(scope='module')
def serial(videos, tmp_path_factory) -> Path:
    "Faces and MRI-DF made in this process (dask_workers = 0): the reference."
    root = tmp_path_factory.mktemp('serial')
    extract_faces(videos, root / 'faces', dict(FACES, dask_workers=0), progress=False)
    build_mri_df(root / 'faces', videos, root / 'mri_df', dict(MRI, dask_workers=0), seed=0, progress=False)
    return root


@pytest.mark.parametrize('workers', [1, 2])
def test_workers_write_identical_outputs(videos, serial, tmp_path, workers):
    man = extract_faces(videos, tmp_path / 'faces', dict(FACES, dask_workers=workers), progress=False)
    build_mri_df(tmp_path / 'faces', videos, tmp_path / 'mri_df', dict(MRI, dask_workers=workers), seed=0, progress=False)
    for stage in ('faces', 'mri_df'):
        want, got = tree(serial / stage), tree(tmp_path / stage)
        assert sorted(got) == sorted(want), (stage, set(got) ^ set(want))
        assert [k for k in want if got[k] != want[k]] == [], stage            # byte for byte
    # the stage did real work: crops, aligned crops and MRI pairs
    assert (man.set_index('video').loc['dfdc/fake0', ['status', 'aligned']] == ['ok', 3]).all()
    assert len(pd.read_csv(tmp_path / 'mri_df' / 'index.csv').query("label == 'fake'")) >= 3


def test_bad_videos_get_status_under_dask(videos, tmp_path):
    man = extract_faces(videos, tmp_path / 'faces', dict(FACES, dask_workers=2), progress=False).set_index('video')
    assert list(man.index) == list(videos['video'])                           # the table's order
    assert man.loc['dfdc/text', 'status'] == 'unreadable' and man.loc['dfdc/text', 'reason']
    assert man.loc['dfdc/gone', 'status'] == 'missing' and 'not found' in man.loc['dfdc/gone', 'reason']
    assert man.loc['dfdc/cat', 'status'] == 'no_faces'


RUN = """
import sys, pandas as pd
from mri_gan_nb.faces import extract_faces
if __name__ == '__main__':
    t = pd.read_csv(sys.argv[1], keep_default_na=False, dtype=str)
    extract_faces(t, sys.argv[2], dict(face_batch_size=16, device='cpu', dask_workers=2), progress=False)
"""


def test_killed_cluster_resumes_to_same_outputs(videos, serial, tmp_path):
    (tmp_path / 'run.py').write_text(RUN); videos.to_csv(tmp_path / 'videos.csv', index=False)
    out = tmp_path / 'faces'
    # the driver, its scheduler and its two worker processes in one session, killed together mid-way
    p = subprocess.Popen([sys.executable, str(tmp_path / 'run.py'), str(tmp_path / 'videos.csv'), str(out)],
                         start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        t0 = time.time()
        while not list(out.rglob('faces.json')) and p.poll() is None and time.time() - t0 < 240: time.sleep(0.05)
        assert p.poll() is None, 'the run ended before it could be interrupted'
    finally:
        os.killpg(p.pid, signal.SIGKILL); p.wait()
    assert not (out / 'manifest.csv').exists()                                 # it was cut short
    done = len(list(out.rglob('faces.json')))
    assert 1 <= done < 7
    extract_faces(videos, out, dict(FACES, dask_workers=2), progress=False)
    want, got = tree(serial / 'faces'), tree(out)
    assert sorted(got) == sorted(want), set(got) ^ set(want)
    assert [k for k in want if got[k] != want[k]] == []
    assert not [p for p in out.rglob('*.partial*')]                            # nothing half-made left


def test_mri_cache_identical_on_workers(tmp_path):
    "The MRI-based detector's inputs: the same MRI bytes in this process and on 2 workers (the generator shipped once)."
    import torch
    from mri_gan_nb.detector import list_crops
    from mri_gan_nb.crop_mris import cache_mris
    from mri_gan_nb.testing import make_toy_faces
    from mri_gan_nb.gan_networks import Generator
    make_toy_faces(tmp_path / 'faces', {'train': (2, 2)}, crops_per_video=3)
    crops = list_crops(tmp_path / 'faces')
    torch.manual_seed(0); g = Generator(8).eval()
    a = cache_mris(crops, g, tmp_path / 'serial', batch_size=4, size=256, progress=False, engine=dict(dask_workers=0))
    b = cache_mris(crops, g, tmp_path / 'dask', batch_size=4, size=256, progress=False, engine=dict(dask_workers=2))
    assert len(a) == 12 and [Path(p).name for p in a['path']] == [Path(p).name for p in b['path']]
    assert tree(tmp_path / 'serial') == tree(tmp_path / 'dask')
