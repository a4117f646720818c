"""Rewrite the results paragraph of README.md from the committed quick-study tables in figures/quick/.

`make study` never runs this: the README changes only when asked, after a quick study whose figures are
to be committed.

    python tools/readme_results.py          # (make readme-results) rewrite README.md's block between the markers
    python tools/readme_results.py --check  # exit 1 when README.md differs from figures/quick/
"""
import json, re, sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / 'figures' / 'quick'
START, END = '<!-- results: written by tools/readme_results.py (make readme-results) from figures/quick/ -->', '<!-- /results -->'


def results_block(figures: Path = FIGURES) -> str:
    "The README's results paragraph: which profile and dataset, then Table 1's values with their 95% intervals and gan_tau_summary.csv."
    t1 = pd.read_csv(figures / 'table1_metrics.csv', index_col=0)
    col = lambda m: next(c for c in t1.columns if c.startswith('this run') and "convention" not in c and c.endswith(m))
    data = col('plain frames').split('(')[1].split(')')[0]
    cell = lambda metric, m: str(t1.loc[metric, col(m)])                      # 'value [low, high]'
    diff = next((c for c in t1.columns if c.startswith('difference')), None)
    seeds = [c for c in t1.columns if 'mean ± sd' in c]
    gan = pd.read_csv(figures / 'gan_tau_summary.csv')
    prov = json.loads((figures / 'provenance.json').read_text()).get('table1_metrics.csv', {})
    profile, dataset = prov.get('profile', figures.name), prov.get('dataset', '')
    rel = figures.relative_to(ROOT).as_posix() if figures.is_relative_to(ROOT) else str(figures)
    n, defaulted = int(float(cell('test videos', 'plain frames'))), int(float(cell('test videos defaulted', 'plain frames')))
    text = (f"**Results of the `{profile}` profile on the {data}** (`{rel}/`, written by the study at commit "
            f"{prov.get('commit', 'unknown')}" + ("; synthetic-data results, not the paper's DFDC numbers" if dataset == 'synthetic' else '')
            + f"), with 95% bootstrap intervals over the test videos: on all {n} labelled test videos ({defaulted} of them "
            f"scored by the default policy because no face was found) the plain-frames detector reaches a video-level "
            f"ROC AUC of {cell('ROC AUC', 'plain frames')} (balanced accuracy {cell('balanced accuracy', 'plain frames')} "
            f"with the rule picked on validation), the MRI-based one {cell('ROC AUC', 'MRI-based')} "
            f"({cell('balanced accuracy', 'MRI-based')})")
    if diff: text += f"; the paired difference plain − MRI in ROC AUC is {t1.loc['ROC AUC', diff]}"
    if seeds: text += '; over seeds (mean ± sd) ROC AUC ' + ', '.join(f"{c.split(':')[-1].strip()} {t1.loc['ROC AUC', c]}" for c in seeds)
    return (text + ". MRI-GAN's held-out SSIM rose from "
            f"{gan['held-out SSIM at start'].iloc[0]:.3f} to "
            + ' / '.join(f"{x:.2f}" for x in gan['at end']) + " for τ = " + ' / '.join(f"{t:g}" for t in gan['tau'])
            + f" in {int(gan['batches'].max())} batches. The intervals, not the point values, are the result: a rerun "
            f"on another machine moved single values by several points. Full tables: [`{rel}/table1_metrics.md`]({rel}/table1_metrics.md), "
            f"[`{rel}/table2_grid_picks.md`]({rel}/table2_grid_picks.md), [`{rel}/table3_cross_dataset.md`]({rel}/table3_cross_dataset.md).")


def main(argv):
    readme = (ROOT / 'README.md').read_text()
    if START not in readme or END not in readme: sys.exit(f'README.md lacks the results markers {START} ... {END}')
    new = re.sub(re.escape(START) + '.*?' + re.escape(END), lambda _: f"{START}\n{results_block()}\n{END}", readme, flags=re.S)
    if '--check' in argv:
        if new != readme: sys.exit('README.md results differ from figures/quick/: run make readme-results')
        return
    (ROOT / 'README.md').write_text(new)


if __name__ == '__main__':
    main(sys.argv[1:])
