#!/usr/bin/env bash
# The Fashion-MNIST comparison of benchmarks/fashion_mnist.py at full scale, on one GPU (sized for one H200):
# CE, CE+Gini, CE+Gini+KL, CE+LS, CE+center; CIFAR-style ResNet-18 (create_model('resnet18', img_size=28));
# the full training set (60000 images), 30 epochs, batch 1024, bf16, channels-last; evaluated on the full test set.
# Tuning of gini_weight/kl_weight: 3 settings, 1 seed, 10 epochs, on 20% of the training set held out (never the test set).
# Runs are trained 5 at a time in separate processes; every run is a JSON file, so an interrupted run of this script,
# started again with the same arguments, only trains what is missing.
#
# Work: tuning 4 runs x 10 epochs x 48000 images + test 5 variants x SEEDS x 30 epochs x 60000 images
# (27.0M training images with SEEDS=3). At an assumed 55-60k images/s for the 5 processes together this is ~8 minutes;
# this has NOT been measured (no GPU was lent when it was written): lower SEEDS or EPOCHS if the first runs show less.
#
# Usage, from anywhere (the GPU machine needs no internet, only the four Fashion-MNIST IDX files):
#   mkdir -p data && cp -r /usr/share/datasets/fashion-mnist data/     # /data/ is git-ignored: carry it to the GPU machine
#   bash benchmarks/fashion_mnist_gpu.sh data/fashion-mnist [OUT]      # OUT: benchmarks/results/fashion_mnist_gpu
# Environment: SEEDS (3), EPOCHS (30), BS (1024), LR (5e-3), JOBS (5), GRID (0.1:0.04,0.5:0.2,1.0:0.4), TUNE_EPOCHS (10).
set -euo pipefail

DATA=${1:?usage: bash benchmarks/fashion_mnist_gpu.sh DATA_DIR [OUT]   (DATA_DIR holds the four Fashion-MNIST IDX files)}
OUT=${2:-benchmarks/results/fashion_mnist_gpu}
DATA=$(cd "$DATA" && pwd)
cd "$(dirname "$0")/.."
ls "$DATA"/train-images-idx3-ubyte* "$DATA"/t10k-labels-idx1-ubyte* > /dev/null || { echo "no Fashion-MNIST IDX files in $DATA" >&2; exit 2; }
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"   # the package from this working tree, installed or not
python3 -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.__version__, torch.cuda.get_device_name())"

python3 benchmarks/fashion_mnist.py --data "$DATA" --out "$OUT" \
  --subset 1 --arch resnet18 --epochs "${EPOCHS:-30}" --bs "${BS:-1024}" --lr "${LR:-5e-3}" \
  --seeds "${SEEDS:-3}" --grid "${GRID:-0.1:0.04,0.5:0.2,1.0:0.4}" --tune-seeds 1 --tune-epochs "${TUNE_EPOCHS:-10}" \
  --device cuda --bf16 --channels-last --jobs "${JOBS:-5}" --threads 2 \
  --machine-note "One GPU, runs trained ${JOBS:-5} at a time (wall times per run are concurrent)."
