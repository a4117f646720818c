"""The whole study on the smoke profile, as `make study` runs it (papermill, real stages, real data it makes)."""
import json
from pathlib import Path

import pandas as pd

from conftest import run_cli

FIGURES = ['synthetic_samples.png', 'augmentations.png', 'mri_df_samples.png', 'fig8_heldout_ssim.png',
           'fig10_mri_samples.png', 'fig11_confusion_matrices.png', 'roc_curves.png', 'grid_search_heatmap.png',
           'table1_metrics.csv', 'table1_metrics.md', 'table2_grid_picks.csv', 'README.md']


def test_smoke_study_end_to_end(smoke_study):
    work_env, run, stdout = smoke_study
    figs = run / 'figures'                                  # smoke keeps its figures in the run dir
    missing = [f for f in FIGURES if not (figs / f).is_file()]
    assert not missing, f"missing figures {missing}\n{stdout[-3000:]}"
    assert not Path(work_env['MRI_GAN_NB_FIGURES_DIR']).exists(), 'smoke must not write into the figures dir'
    for tau in ('0.3', '0.5', '0.7'):
        for fig in ('fig5_gen_loss', 'fig6_l2_loss', 'fig7_ssim_loss', 'fig9_disc_loss'):
            assert (figs / f'{fig}_tau{tau}.png').is_file(), (fig, tau)
    # every executed notebook is kept as the record of its run
    kept = sorted(p.name for p in (run / 'study').glob('*.ipynb'))
    assert 'prepare_data.ipynb' in kept and 'evaluate.ipynb' in kept and len(kept) == 9, kept
    # the figures README says where each file came from, and that these are synthetic results
    readme = (figs / 'README.md').read_text()
    assert 'synthetic mini-DFDC' in readme and 'not the paper' in readme
    prov = json.loads((figs / 'provenance.json').read_text())
    assert prov['table1_metrics.csv']['stage'] == 'evaluate' and prov['table1_metrics.csv']['profile'] == 'smoke'
    # the face manifest lists the no-face video with its reason instead of dropping it
    faces = pd.read_csv(run / 'faces' / 'manifest.csv')
    assert (faces.status == 'no_faces').any() and faces.loc[faces.status == 'no_faces', 'reason'].str.len().min() > 0
    # MRI-DF never puts one video in both splits
    idx = pd.read_csv(run / 'mri_df' / 'index.csv')
    assert not set(idx[idx.split == 'train'].video) & set(idx[idx.split == 'test'].video)
    # stage times are printed at the end
    assert 'study (smoke) done' in stdout and 'prepare_data' in stdout.split('study (smoke) done')[1]



def test_second_run_skips_and_force_redoes_one_stage(smoke_study):
    work_env, run, _ = smoke_study
    again = run_cli(['study', '--profile', 'smoke'], work_env, check=0).stdout
    assert again.count('up to date, skipped') == 9, again
    forced = run_cli(['study', '--profile', 'smoke', '--force', 'evaluate'], work_env, check=0).stdout
    assert forced.count('up to date, skipped') == 8 and 'evaluate: running' in forced
