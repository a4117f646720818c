"""A few training steps of MRI-GAN or a detector, run by tests/test_ddp.py in one process or under torchrun.

    python tests/ddp_steps.py gan INDEX_CSV OUT_DIR MAX_BATCHES
    python -m torch.distributed.run --standalone --nproc_per_node=2 tests/ddp_steps.py detector FACES_DIR CHECKPOINT EPOCHS

Dropout is switched off (nn.Dropout and EfficientNet's drop-connect become the identity): under DDP each
rank draws its own masks, so only the deterministic part of a step can equal the one-process step.
"""
import sys

import torch
import torch.nn as nn

nn.Dropout.forward = lambda self, x: x
import efficientnet_pytorch.model as _effnet
_effnet.drop_connect = lambda x, p, training: x
torch.set_num_threads(1)

from mri_gan_nb.distributed import cleanup_distributed


def gan(index_csv, out_dir, max_batches):
    from mri_gan_nb.gan_training import train_gan
    train_gan(index_csv, out_dir, tau=0.3, width=4, batch_size=4, epochs=3, max_batches=int(max_batches), eval_every=0,
              eval_pairs=2, seed=0, device='cpu', progress=False)


def detector(faces_dir, checkpoint, epochs):
    from mri_gan_nb.detector import CropDataset, DeepFakeDetector, fit, list_crops
    crops = list_crops(faces_dir, ['train', 'valid'])
    tr, va = CropDataset(crops[crops.split == 'train'], 32), CropDataset(crops[crops.split == 'valid'], 32)
    from mri_gan_nb.distributed import is_main
    torch.manual_seed(0)
    model = DeepFakeDetector(bn_momentum=0.1)

    def first_step(ep, b):   # after the first optimisation step: the (all-reduced) gradients and the weights
        if (ep, b) == (1, 1) and is_main():
            torch.save({'grad': {n: p.grad.detach().clone() for n, p in model.named_parameters()},
                        'weight': {n: p.detach().clone() for n, p in model.named_parameters()}}, f'{checkpoint}.step1')
    fit(model, tr, va, epochs=int(epochs), lr=1e-3, batch_size=6, device='cpu', seed=0, max_batches=2, progress=True,
        checkpoint=checkpoint, callback=first_step)


if __name__ == '__main__':
    try: {'gan': gan, 'detector': detector}[sys.argv[1]](*sys.argv[2:])
    finally: cleanup_distributed()
