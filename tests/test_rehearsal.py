"""The `rehearsal` profile: every setting of `paper` but the counts, run end to end on synthetic data, so that
every code path of a paper run (width-64 MRI-GAN at 256 px, 224-px EfficientNet-B0 from a local ImageNet
weights file, DataLoader workers, the paper's grid, 1080p frames) executes before anyone spends GPU days on it."""
import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import isolated_env, run_cli
from mri_gan_nb.config import load_settings

# What the rehearsal may change from `paper`, and why: the data (synthetic, so its counts), how much is
# trained (batches, epochs, held-out pairs), the batch sizes (a width-64 MRI-GAN batch of 128 needs ~25 GiB on
# a CPU), DataLoader workers (2 on a 2-core machine) and the time limit of a cell (a test must end).
MAY_DIFFER = {'dataset', 'num_workers', 'cell_timeout', 'gan_batch_size', 'gan_max_batches',
              'gan_eval_every', 'gan_eval_pairs', 'det_batch_size', 'det_epochs'}


def test_rehearsal_is_paper_but_the_counts():
    paper, reh = load_settings('paper', environ={}), load_settings('rehearsal', environ={})
    differ = {k for k in paper.values if paper.values[k] != reh.values[k] and not k.startswith('synth_')}
    assert differ <= MAY_DIFFER, f"rehearsal differs from paper in {sorted(differ - MAY_DIFFER)}: make them equal"
    assert reh.gan_width == 64 and reh.mri_size == 256 and reh.det_input_size == 224 and reh.det_pretrained
    assert reh.synth_size == (1920, 1080) and reh.num_workers > 0     # DFDC's frame size; DataLoader workers run


@pytest.fixture(scope='module')
def rehearsal(tmp_path_factory):
    "Run `mri-gan-nb study --profile rehearsal` with an EfficientNet-B0 weights file the test writes."
    import torch
    from efficientnet_pytorch import EfficientNet
    base = tmp_path_factory.mktemp('rehearsal')
    torch.manual_seed(0)
    weights = base / 'efficientnet-b0-355c32eb.pth'
    torch.save(EfficientNet.from_name('efficientnet-b0').state_dict(), weights)   # the real file's layout, random values
    env = dict(isolated_env(base), MRI_GAN_NB_EFFICIENTNET_B0_WEIGHTS=str(weights))
    res = run_cli(['study', '--profile', 'rehearsal'], env, check=0)
    return env, Path(env['MRI_GAN_NB_WORK_DIR']) / 'rehearsal', weights, res.stdout


def test_rehearsal_runs_every_stage_at_paper_shapes(rehearsal):
    env, run, weights, stdout = rehearsal
    assert 'study (rehearsal) done' in stdout, stdout[-3000:]
    from mri_gan_nb.gan_training import load_generator
    g = load_generator(run / 'gan' / 'tau_0.3' / 'generator_best.pt')
    assert sum(p.numel() for p in g.parameters()) == 54_404_099          # the paper's width-64 U-Net
    for method in ('plain', 'mri'):
        meta = json.loads((run / 'detector' / method / 'model.json').read_text())
        assert meta['input_size'] == 224 and Path(meta['pretrained']).resolve() == weights.resolve(), meta
        assert meta['verdict'] and {'threshold', 'fraction'} <= set(meta['verdict'])
    summary = json.loads((run / 'evaluate' / 'summary.json').read_text())
    assert summary, 'evaluation wrote nothing'
    faces = pd.read_csv(run / 'faces' / 'manifest.csv')
    assert (faces.status == 'ok').sum() >= 0.8 * len(faces[faces.source == 'dfdc']), faces.status.value_counts()
