"""`mri_metric` and `gan_recon_loss` end to end on the smoke study's faces (every value: MRI-DF, MRI-GAN,
MRI-based detector), and the sweep notebook run alone with papermill after the smoke study."""
import json, os, subprocess, sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from mri_gan_nb.config import load_settings
from mri_gan_nb.data import load_videos
from mri_gan_nb.mri_dataset import build_mri_df, mri_params, mri_df_metric
from mri_gan_nb.video import read_rgb
from mri_gan_nb.perceptual import MRI_METRICS
from mri_gan_nb.gan_losses import RECON_LOSSES
from mri_gan_nb.gan_training import gan_kwargs, train_gan
from mri_gan_nb.detector import train_detector
from mri_gan_nb.evaluate import face_probabilities

ROOT = Path(__file__).resolve().parents[1]


def test_settings_are_read_and_checked(work_env, monkeypatch):
    cfg = load_settings('smoke')
    assert (cfg.mri_metric, cfg.gan_recon_loss) == ('ssim', 'l2')          # the paper's choices are the defaults
    for profile in ('quick', 'paper'):
        assert (load_settings(profile).mri_metric, load_settings(profile).gan_recon_loss) == ('ssim', 'l2')
    monkeypatch.setenv('MRI_GAN_NB_MRI_METRIC', 'gms'); monkeypatch.setenv('MRI_GAN_NB_GAN_RECON_LOSS', 'l1')
    cfg = load_settings('smoke')
    kw = gan_kwargs(cfg)
    assert (mri_params(cfg)['mri_metric'], kw['metric'], kw['recon_loss']) == ('gms', 'gms', 'l1')
    with pytest.raises(ValueError, match='not known'): mri_params(cfg.replace(mri_metric='lpips'))


def test_every_metric_and_loss_end_to_end(smoke_study, tmp_path):
    "Each f builds its own MRI-DF (same rows and split), trains MRI-GAN with each loss, and feeds an MRI-based detector."
    env, run, _ = smoke_study
    base = load_settings('smoke').replace(gan_max_batches=1, gan_eval_every=1, gan_eval_pairs=1)
    videos = pd.concat([load_videos(run / 'videos.csv'), load_videos(run / 'extra_sources.csv')], ignore_index=True)
    first, mris = None, {}
    for metric in MRI_METRICS:
        mdf = tmp_path / metric / 'mri_df'
        build_mri_df(run / 'faces', videos, mdf, mri_params(base.replace(mri_metric=metric)), seed=base.seed, progress=False)
        ix = pd.read_csv(mdf / 'index.csv')
        assert mri_df_metric(mdf / 'index.csv') == metric
        first = ix if first is None else first
        assert ix[['face', 'label', 'split']].equals(first[['face', 'label', 'split']]), metric
        fake = ix[ix.label == 'fake'].iloc[0]
        mris[metric] = read_rgb(mdf / fake.mri)
        for loss in RECON_LOSSES:
            cfg = base.replace(mri_metric=metric, gan_recon_loss=loss)
            out = tmp_path / f'{metric}_{loss}'
            s = train_gan(mdf / 'index.csv', out / 'gan', **{**gan_kwargs(cfg), 'progress': False})
            assert (s['mri_metric'], s['recon_loss'], s['batches']) == (metric, loss, 1)
            losses = pd.read_csv(out / 'gan' / 'losses.csv')
            assert len(losses) == 1 and np.isfinite(losses.drop(columns=['batch', 'epoch']).values).all()
            assert json.loads((out / 'gan' / 'run.json').read_text())['mri_metric'] == metric
            if loss == 'l2':    # the detector only sees the generator: one per f is enough to show it follows
                det = train_detector(cfg, 'mri', run / 'faces', out / 'detector', generator_path=out / 'gan' / 'generator_best.pt',
                                     max_batches=1, epochs=1, progress=False)
                assert json.loads((det / 'settings.json').read_text())['mri_metric'] == metric
                probs = face_probabilities(det, run / 'faces', splits=('test',), progress=False)
                assert len(probs) and probs.prob.between(0, 1).all()
        with pytest.raises(ValueError, match=f'holds MRIs of f = {metric}'):
            other = next(m for m in MRI_METRICS if m != metric)
            train_gan(mdf / 'index.csv', tmp_path / 'refused', **{**gan_kwargs(base.replace(mri_metric=other)), 'progress': False})
    # every f gives its own MRIs of the same pair (the fixture has fakes whose face was swapped)
    assert all(np.abs(mris[m].astype(int) - mris['ssim']).max() > 10 for m in MRI_METRICS if m != 'ssim')


def test_sweep_notebook_runs_alone_after_a_smoke_study(smoke_study):
    "06_sweep with papermill on the smoke study, two f × two losses: writes its table, figure and discussion."
    env, run, _ = smoke_study
    out_nb = run / 'study' / 'sweep_test.ipynb'
    cmd = [str(Path(sys.executable).parent / 'papermill'), str(ROOT / 'nbs' / 'experiments' / '06_sweep.ipynb'), str(out_nb),
           '-p', 'profile', 'smoke', '-y', '{"mri_metrics": ["ssim", "gms"], "losses": ["l2", "l1"], "n_boot": 100}',
           '-k', 'python3', '--cwd', str(ROOT / 'nbs' / 'experiments')]
    res = subprocess.run(cmd, env={**env, 'OMP_NUM_THREADS': '1'}, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    figs = run / 'figures'
    table = pd.read_csv(figs / 'sweep_table.csv')
    assert sorted(zip(table.f, table['loss'])) == [('gms', 'l1'), ('gms', 'l2'), ('ssim', 'l1'), ('ssim', 'l2')]
    assert table.auc.dropna().between(0, 1).all() and (table.auc_lo.fillna(0) <= table.auc.fillna(0) + 1e-9).all()
    assert table.heldout_SSIM.between(-1, 1).all() and (table.f_ms_per_pair > 0).all() and (table.seconds_per_cell > 0).all()
    assert (figs / 'sweep_table.md').is_file() and read_rgb(figs / 'sweep_mris.png').shape[1] > 500
    assert 'Synthetic-data results' in (figs / 'sweep_discussion.md').read_text()
    assert (run / 'sweep' / 'gms' / 'mri_df' / 'mri_df.json').is_file() and (run / 'sweep' / 'gms_l1' / 'detector' / 'model.json').is_file()
