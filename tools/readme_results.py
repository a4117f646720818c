"""Rewrite the results paragraph of README.md from the tables in figures/ (run after `make study`).

    python tools/readme_results.py          # rewrite README.md's block between the results markers
    python tools/readme_results.py --check  # exit 1 when README.md differs from figures/
"""
import re, sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
START, END = '<!-- results: written by tools/readme_results.py from figures/ -->', '<!-- /results -->'


def results_block(figures: Path = ROOT / 'figures') -> str:
    "The README's results paragraph, computed from figures/table1_metrics.csv and gan_tau_summary.csv."
    t1 = pd.read_csv(figures / 'table1_metrics.csv', index_col=0)
    col = lambda m: next(c for c in t1.columns if c.startswith('this run') and "convention" not in c and c.endswith(m))
    data = col('plain frames').split('(')[1].split(')')[0]
    v = lambda metric, m: float(str(t1.loc[metric, col(m)]).split(' [')[0])   # 'value [low, high]' or a bare value
    gan = pd.read_csv(figures / 'gan_tau_summary.csv')
    n = int(v('test videos', 'plain frames'))
    return (f"**Quick-study results ({data}):** on the {n} test videos the plain-frames detector reaches a video-level "
            f"ROC AUC of {v('ROC AUC', 'plain frames'):.3f} (balanced accuracy {v('balanced accuracy', 'plain frames'):.3f} "
            f"with the rule picked on validation), the MRI-based one {v('ROC AUC', 'MRI-based'):.3f} "
            f"({v('balanced accuracy', 'MRI-based'):.3f}). MRI-GAN's held-out SSIM rose from "
            f"{gan['held-out SSIM at start'].iloc[0]:.3f} to "
            + ' / '.join(f"{x:.2f}" for x in gan['at end']) + " for τ = " + ' / '.join(f"{t:g}" for t in gan['tau'])
            + f" in {int(gan['batches'].max())} batches. Full tables: [`figures/table1_metrics.md`](figures/table1_metrics.md), "
            "[`figures/table2_grid_picks.md`](figures/table2_grid_picks.md).")


def main(argv):
    readme = (ROOT / 'README.md').read_text()
    new = re.sub(re.escape(START) + '.*?' + re.escape(END), lambda _: f"{START}\n{results_block()}\n{END}", readme, flags=re.S)
    if '--check' in argv:
        if new != readme: sys.exit('README.md results differ from figures/: run python tools/readme_results.py')
        return
    (ROOT / 'README.md').write_text(new)


if __name__ == '__main__':
    main(sys.argv[1:])
