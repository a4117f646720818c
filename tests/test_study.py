"""The whole study on the smoke profile, as `make study` runs it (papermill, real stages, real data it makes)."""
import json
from pathlib import Path

import pandas as pd

from conftest import run_cli

FIGURES = ['synthetic_samples.png', 'augmentations.png', 'mri_df_samples.png', 'fig8_heldout_ssim.png',
           'fig10_mri_samples.png', 'fig11_confusion_matrices.png', 'roc_curves.png', 'grid_search_heatmap.png',
           'table1_metrics.csv', 'table1_metrics.md', 'table2_grid_picks.csv', 'table3_cross_dataset.csv',
           'table3_cross_dataset.md', 'videos_plain.csv', 'videos_mri.csv', 'README.md']


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
    # each finished stage's executed notebook is published (smoke: into its run dir, never the repo's results/),
    # starting with the synthetic-data banner, its figures inline, without stderr
    pub = run / 'results'
    names = sorted(p.name for p in pub.glob('*.ipynb'))
    assert len(names) == 9 and '01_prepare_data.ipynb' in names and '03_train_mri_gan_tau_0.3.ipynb' in names, names
    assert '04_train_detector_plain.ipynb' in names and '05_evaluate.ipynb' in names, names
    assert not (Path(work_env['MRI_GAN_NB_FIGURES_DIR']).parent / 'results').exists(), 'smoke must not publish into results/'
    for name in names:
        nb = json.loads((pub / name).read_text())
        assert 'Synthetic data' in ''.join(nb['cells'][0]['source']) and 'not the paper' in ''.join(nb['cells'][0]['source']), name
        outs = [o for c in nb['cells'] if c['cell_type'] == 'code' for o in c['outputs']]
        assert not any(o.get('name') == 'stderr' for o in outs), name
        assert any(k.startswith('image/') for o in outs for k in o.get('data', {})), name   # every stage of the study draws a figure
        assert 'papermill' not in nb['metadata'], name
    # the figures README says where each file came from, and that these are synthetic results
    readme = (figs / 'README.md').read_text()
    assert 'synthetic mini-DFDC' in readme and 'not the paper' in readme
    prov = json.loads((figs / 'provenance.json').read_text())
    assert prov['table1_metrics.csv']['stage'] == 'evaluate' and prov['table1_metrics.csv']['profile'] == 'smoke'
    # the face manifest lists the no-face video with its reason instead of dropping it
    faces = pd.read_csv(run / 'faces' / 'manifest.csv')
    assert (faces.status == 'no_faces').any() and faces.loc[faces.status == 'no_faces', 'reason'].str.len().min() > 0
    # every labelled validation and test video is in the per-video results, an unscored one by the default policy with its reason
    labelled = faces[(faces.source == 'dfdc') & faces.split.isin(['valid', 'test']) & faces.label.isin(['FAKE', 'REAL'])]
    for m in ('plain', 'mri'):
        pv = pd.read_csv(figs / f'videos_{m}.csv', keep_default_na=False)
        assert sorted(pv.video) == sorted(labelled.video), m
        assert (pv.reason[pv.defaulted].str.len() > 0).all() and (pv.score[pv.defaulted] == 0.5).all()
    # Table 1 counts them all and gives every metric with its bootstrap interval; Table 3 is the cross-dataset protocol
    t1 = pd.read_csv(figs / 'table1_metrics.csv', index_col=0)
    ours = next(c for c in t1.columns if c.startswith('this run') and c.endswith('plain frames'))
    assert int(t1.loc['test videos', ours]) == (labelled.split == 'test').sum()
    assert ' [' in t1.loc['ROC AUC', ours] and ' [' in t1.loc['EER', ours], t1[ours]
    t3 = pd.read_csv(figs / 'table3_cross_dataset.csv', index_col=0)
    assert 'frame-level ROC AUC' in t3.index and any('Celeb-DF-v2' in c for c in t3.columns)
    # MRI-DF never puts one video in both splits, and keeps every fake in the split of the real video it came from
    idx = pd.read_csv(run / 'mri_df' / 'index.csv')
    assert not set(idx[idx.split == 'train'].video) & set(idx[idx.split == 'test'].video)
    split_of = dict(zip(idx.video, idx.split))
    fakes = idx[idx.label == 'fake'].assign(source_video=lambda d: d.real.str.split('/').str[1:-1].str.join('/'))
    assert len(fakes) and all(split_of.get(o, s) == s for o, s in zip(fakes.source_video, fakes.split))
    assert fakes.source_video.isin(split_of).mean() > 0.5      # the originals' own faces are in the index too
    # stage times are printed at the end
    assert 'study (smoke) done' in stdout and 'prepare_data' in stdout.split('study (smoke) done')[1]



def test_second_run_skips_and_rerun_redoes_a_stage_and_what_is_downstream(smoke_study):
    work_env, run, _ = smoke_study
    published = {p: p.read_bytes() for p in (run / 'results').glob('*.ipynb')}
    assert len(published) == 9, sorted(published)   # the first run published them: the comparison below means something
    again = run_cli(['study', '--profile', 'smoke'], work_env, check=0).stdout
    assert again.count('up to date, skipped') == 9, again
    assert {p: p.read_bytes() for p in (run / 'results').glob('*.ipynb')} == published    # skipped stages republish the same bytes
    prov = (run / 'figures' / 'provenance.json').read_text()
    rerun = run_cli(['study', '--profile', 'smoke', '--rerun', 'detector_mri'], work_env, check=0).stdout
    assert rerun.count('up to date, skipped') == 7, rerun
    assert 'detector_mri: running' in rerun and 'evaluate: running' in rerun, rerun        # evaluate is downstream
    assert 'evaluate: downstream of detector_mri, which reruns; its previous outputs moved to' in rerun, rerun
    assert not (run / 'replaced').exists(), 'what a rerun replaced is deleted once it finished'
    assert (run / 'detector' / 'mri' / 'model.json').is_file() and (run / 'evaluate' / 'summary.json').is_file()
    # the same results again: figures' provenance (and so the checkout) unchanged
    assert (run / 'figures' / 'provenance.json').read_text() == prov


def _files(run: Path) -> dict:
    return {p: p.stat().st_mtime_ns for p in run.rglob('*') if p.is_file()}


def test_stale_stage_stops_the_study_and_deletes_nothing(smoke_study):
    "A new GAN learning rate: the study stops before any work, names the stale stages, the change and the flag."
    work_env, run, _ = smoke_study
    before = _files(run)
    res = run_cli(['study', '--profile', 'smoke'], {**work_env, 'MRI_GAN_NB_GAN_LR': '0.0005'}, check=1)
    msg = res.stderr
    assert '6 finished stage(s) of the smoke study are stale' in msg and 'nothing was deleted' in msg, msg
    assert 'mri_gan_tau_0.3: settings: gan_lr 0.0002 → 0.0005' in msg, msg
    for name in ('mri_gan_tau_0.5', 'mri_gan_tau_0.7', 'compare_taus', 'detector_mri', 'evaluate'): assert f'  {name}: ' in msg, name
    for name in ('prepare_data', 'mri_dataset', 'detector_plain'): assert f'  {name}: ' not in msg, name
    assert '--rerun mri_gan_tau_0.3 --rerun mri_gan_tau_0.5 --rerun mri_gan_tau_0.7' in msg, msg
    assert 'running' not in res.stdout
    assert _files(run) == before, 'a stale study must not touch the run dir'


def test_edits_in_modules_leave_the_stages_up_to_date(smoke_study, tmp_path, monkeypatch):
    "On a copy of the package: docstring and code edits in detect.py, a docstring edit in gan_training.py: every stage stays done."
    import shutil
    from mri_gan_nb.config import load_settings
    from mri_gan_nb.study import experiments_dir, plan_study, study_stages
    import mri_gan_nb
    work_env, run, _ = smoke_study
    for k in ('MRI_GAN_NB_WORK_DIR', 'MRI_GAN_NB_FIGURES_DIR'): monkeypatch.setenv(k, work_env[k])
    pkg = Path(shutil.copytree(Path(mri_gan_nb.__file__).parent, tmp_path / 'pkg', ignore=shutil.ignore_patterns('__pycache__')))
    (pkg / 'detect.py').write_text((pkg / 'detect.py').read_text().replace('"""', '"""A fixed typo. ', 1) + '\nZ = 1\n')
    (pkg / 'gan_training.py').write_text((pkg / 'gan_training.py').read_text().replace('"""', '"""A fixed typo. ', 1))
    cfg = load_settings('smoke')
    plan = plan_study(study_stages(cfg), cfg, experiments_dir(), pkg_dir=pkg)
    assert {p['stage'].name: p['status'] for p in plan} == {p['stage'].name: 'done' for p in plan}, \
        [(p['stage'].name, p['reasons']) for p in plan]


def test_readme_papermill_commands_add_a_tau(smoke_study):
    "The README's commands for one more τ: train it with papermill, then redraw Figs. 8 and 10 with it."
    import re, subprocess, sys
    env, run, _ = smoke_study
    readme = (Path(__file__).resolve().parents[1] / 'README.md').read_text()
    cmds = [l for l in readme.splitlines() if l.startswith('.venv/bin/papermill') and ('03_train_mri_gan' in l or '03b_compare_taus' in l)]
    assert len(cmds) == 2, cmds
    papermill = str(Path(sys.executable).parent / 'papermill')
    for cmd in cmds:     # as written, with the profile switched to smoke (the README says so) and the run in the tmp work dir
        args = cmd.replace('profile quick', 'profile smoke').replace('work/quick/', f'{run}/').split()
        args = [papermill] + [a.strip('"') for a in args[1:]]
        if '-y' in args:  # the quoted YAML argument was split on spaces: join it back
            i = args.index('-y'); args = args[:i + 1] + [' '.join(args[i + 1:])]
        res = subprocess.run(args, env=env, cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True)
        assert res.returncode == 0, res.stderr[-3000:]
    assert (run / 'gan' / 'tau_0.4' / 'generator_best.pt').is_file()
    summary = pd.read_csv(run / 'figures' / 'gan_tau_summary.csv')
    assert sorted(summary.tau) == [0.3, 0.4, 0.5, 0.7]
