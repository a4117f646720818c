"""DistributedDataParallel: two gloo processes with global batch B take the same optimisation steps as one
process with batch B (MRI-GAN and the detector), and a checkpoint written by two processes resumes in one.

Each run is a subprocess (tests/ddp_steps.py), under `torchrun --standalone --nproc_per_node=2` for the
two-process runs; dropout is off in all of them (per-rank masks differ by design).
"""
import os, subprocess, sys
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
import torch

HERE = Path(__file__).parent
STEPS = HERE / 'ddp_steps.py'


def run(nproc, *args):
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    pre = [sys.executable] if nproc == 1 else [sys.executable, '-m', 'torch.distributed.run', '--standalone', f'--nproc_per_node={nproc}']
    r = subprocess.run(pre + [str(STEPS), *map(str, args)], env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]


def mri_df(root: Path, n_train=10, n_test=4, size=256, seed=0) -> Path:
    "A tiny MRI-DF: faces and MRIs as PNGs, fakes and reals in train and test, and its index.csv."
    rng, rows = np.random.default_rng(seed), []
    for split, n in (('train', n_train), ('test', n_test)):
        for i in range(n):
            label = 'fake' if i % 2 == 0 else 'real'
            face = cv2.GaussianBlur(rng.integers(0, 256, (size, size, 3), dtype=np.uint8), (0, 0), 3)
            mri = np.zeros_like(face) if label == 'real' else cv2.GaussianBlur(rng.integers(0, 256, face.shape, dtype=np.uint8), (0, 0), 5)
            for kind, img in (('faces', face), ('mri', mri)):
                (root / kind).mkdir(parents=True, exist_ok=True); cv2.imwrite(str(root / kind / f'{split}_{i}.png'), img)
            rows.append(dict(face=f'faces/{split}_{i}.png', mri=f'mri/{split}_{i}.png', real='', label=label, source='dfdc',
                             video=f'v{i}', frame=0, split=split))
    pd.DataFrame(rows).to_csv(root / 'index.csv', index=False)
    return root / 'index.csv'


def close(a: dict, b: dict, atol):
    "The largest difference of the float tensors of two state dicts, which must have the same keys."
    assert a.keys() == b.keys()
    worst = max(float((a[k].double() - b[k].double()).abs().max()) for k in a if a[k].is_floating_point())
    assert worst <= atol, worst
    return worst


def same_d(a: dict, b: dict, atol):
    """Two discriminator state dicts give the same scores (their conv biases before InstanceNorm have no effect and a zero
    gradient, which Adam turns into noise-sized steps, so the weights themselves are not compared)."""
    from mri_gan_nb.gan_networks import Discriminator
    Da, Db = Discriminator(4), Discriminator(4)
    Da.load_state_dict(a); Db.load_state_dict(b)
    x, y = torch.rand(2, 3, 256, 256) * 2 - 1, torch.rand(2, 3, 256, 256) * 2 - 1
    with torch.no_grad(): worst = float((Da(y, x) - Db(y, x)).abs().max())
    assert worst <= atol, worst


def test_gan_step_and_resume(tmp_path):
    index = mri_df(tmp_path / 'mri_df')
    run(1, 'gan', index, tmp_path / 'one', 2)
    run(2, 'gan', index, tmp_path / 'two', 2)
    a, b = (torch.load(tmp_path / d / 'latest.pt', weights_only=True) for d in ('one', 'two'))
    assert a['batch'] == b['batch'] == 2 and a['epoch'] == b['epoch']
    close(a['G'], b['G'], 1e-5); same_d(a['D'], b['D'], 1e-5)
    la, lb = (pd.read_csv(tmp_path / d / 'losses.csv') for d in ('one', 'two'))
    assert list(la.batch) == list(lb.batch) == [1, 2]
    np.testing.assert_allclose(lb.drop(columns=['batch', 'epoch']).to_numpy(), la.drop(columns=['batch', 'epoch']).to_numpy(), rtol=1e-4)
    # the two-process checkpoint resumes in one process, as if one process had trained all along
    run(1, 'gan', index, tmp_path / 'two', 4)
    run(1, 'gan', index, tmp_path / 'one', 4)
    a, b = (torch.load(tmp_path / d / 'latest.pt', weights_only=True) for d in ('one', 'two'))
    assert a['batch'] == b['batch'] == 4
    close(a['G'], b['G'], 1e-4); same_d(a['D'], b['D'], 1e-4)
    la, lb = (pd.read_csv(tmp_path / d / 'losses.csv') for d in ('one', 'two'))
    assert list(lb.batch) == [1, 2, 3, 4]
    np.testing.assert_allclose(lb.loss_G, la.loss_G, rtol=1e-3)


def test_detector_step_and_resume(tmp_path):
    """EfficientNet-B0's gradient is reproducible only to ~3e-5 of its largest component in float32 (permuting the
    samples of one batch in one process changes it that much), and Adam's first steps move every weight by about
    ±lr whatever the gradient's size, so weights are compared where the gradient stands above that noise."""
    from mri_gan_nb.testing import make_toy_faces
    faces = make_toy_faces(tmp_path / 'faces', {'train': (4, 4), 'valid': (2, 2)}, crops_per_video=2)
    run(1, 'detector', faces, tmp_path / 'one.pt', 1)
    run(2, 'detector', faces, tmp_path / 'two.pt', 1)   # global batch 6 = 3 + 3, batch norm synchronised
    s1, s2 = (torch.load(tmp_path / f'{f}.pt.step1', weights_only=True) for f in ('one', 'two'))
    gmax = max(float(g.abs().max()) for g in s1['grad'].values())
    gdiff = max(float((s1['grad'][k] - s2['grad'][k]).abs().max()) for k in s1['grad'])
    assert gdiff <= 1e-3 * gmax, (gdiff, gmax)                          # the same gradient of the global batch
    for k, g in s1['grad'].items():                                      # the same first step
        big = g.abs() > 1e-3 * gmax
        d = (s1['weight'][k] - s2['weight'][k])[big]
        assert d.numel() == 0 or float(d.abs().max()) <= 1e-6, k
    a, b = (torch.load(tmp_path / f, weights_only=True) for f in ('one.pt', 'two.pt'))
    assert a['epochs_done'] == b['epochs_done'] == 1
    ha, hb = pd.DataFrame(a['history']), pd.DataFrame(b['history'])
    assert hb.train_images.tolist() == ha.train_images.tolist() == [12]
    np.testing.assert_allclose(hb.train_loss, ha.train_loss, rtol=1e-3)
    np.testing.assert_allclose(hb.val_loss, ha.val_loss, rtol=5e-2)     # after 2 steps: Adam's noise-sized moves show
    # the checkpoint of the two processes resumes in one, for a second epoch
    run(1, 'detector', faces, tmp_path / 'two.pt', 2)
    run(1, 'detector', faces, tmp_path / 'one.pt', 2)
    a, b = (torch.load(tmp_path / f, weights_only=True) for f in ('one.pt', 'two.pt'))
    assert a['epochs_done'] == b['epochs_done'] == 2
    ha, hb = pd.DataFrame(a['history']), pd.DataFrame(b['history'])
    assert hb.epoch.tolist() == [1, 2] and hb.train_images.tolist() == [12, 12]
    np.testing.assert_allclose(hb.train_loss, ha.train_loss, rtol=5e-2)
