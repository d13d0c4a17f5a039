#!/usr/bin/env bash
# Full-scale comparisons on one GPU (sized for one H200), from a data folder: Fashion-MNIST's four IDX files, or CIFAR-100.
#
#   bash benchmarks/fashion_mnist_gpu.sh [--recipe one_cycle|paper] [--dry-run] DATA_DIR [OUT]
#   bash benchmarks/fashion_mnist_gpu.sh --smoke [--recipe one_cycle|paper] [DATA_DIR [OUT]]
#
# --recipe one_cycle (Fashion-MNIST only, its default): the comparison of benchmarks/fashion_mnist.py at full scale:
#   CE, CE+Gini+KL (tuned weights, and the paper's weights with its warm-up), CE+LS and CE+center (tuned); CIFAR-style
#   ResNet-18; all 60000 training images, 30 epochs, batch 1024, fit_one_cycle, bf16, channels-last, evaluated on the full
#   test set; gini_weight/kl_weight (GRID), label smoothing (3 settings) and center loss (2) tuned first (1 seed, TUNE_EPOCHS
#   epochs) on 10% of each training class held out, never on the test set.
#   OUT: benchmarks/results/fashion_mnist_gpu/fashion_mnist_one_cycle.
# --recipe paper (the default for a CIFAR-100 folder): the authors' recipe, gini_loss_train --recipe paper (see
#   nbs/10_tutorial_paper.ipynb): ResNet-50 with dropout 0.4 before its classifier, SGD lr 0.1, momentum 0.9, weight decay
#   5e-4, lr x0.2 after epochs 60, 120, 160, 200 of 250, batch 200, inputs not normalised, the Gini and KL terms (0.5, 0.5,
#   KL to each batch's label frequencies, on the last residual stage) off for the first 9 epochs; 4000 training images held
#   out to pick the epoch whose weights are tested. CE against CE+Gini+KL over SEEDS seeds, JOBS runs at a time in separate
#   processes sharing the GPU. OUT: benchmarks/results/fashion_mnist_gpu/<fashion_mnist|cifar100>_paper.
#
# Before training it prints the plan and an estimate of its duration, from the training speed it measures on the GPU for a
# few seconds (with --dry-run, or MEASURE=0, from an assumed speed, and says so). --dry-run then stops: it checks the data,
# the arguments and OUT and trains nothing, on any machine, CPU included. Every run is a JSON file in OUT: started again with
# the same arguments, the script trains only the runs that are missing.
#
# --smoke runs the same commands in seconds, on the CPU when there is no GPU, into a new temporary folder unless OUT is
# given; DATA_DIR defaults to the Debian package's /usr/share/datasets/fashion-mnist. Every run uses 2% of each class of
# both sets, 1 epoch, bf16 autocast and channels-last as on the GPU (autocast on the CPU), JOBS=1, timm's small test_resnet (ARCH; resnet18 at 28 px takes seconds per step on a CPU);
# one_cycle: benchmarks/fashion_mnist.py --smoke (its tiny grids and seeds, batch 32); paper: seed 0 of each variant, 200
# images held out, batch 50.
#
# Usage, from anywhere (DATA_DIR and OUT are relative to the current folder; the GPU machine needs no internet, only the data):
#   mkdir -p data && cp -r /usr/share/datasets/fashion-mnist data/      # data/ is git-ignored: carry it to the GPU machine
#   bash benchmarks/fashion_mnist_gpu.sh data/fashion-mnist                          # one_cycle
#   bash benchmarks/fashion_mnist_gpu.sh --recipe paper data/fashion-mnist           # the paper recipe on Fashion-MNIST
#   bash benchmarks/fashion_mnist_gpu.sh data/cifar-100-python                       # the paper recipe on CIFAR-100
# Environment: SEEDS (3), EPOCHS (one_cycle 30, paper 250), JOBS (one_cycle 5, paper 6), BF16 (1; 0 trains in fp32),
#   MEASURE (1), ARCH (one_cycle resnet18, paper resnet50); paper: VARIANTS (ce,ce+gini+kl); one_cycle: BS (1024),
#   LR (5e-3), GRID (0.1:0.04,0.5:0.2,1.0:0.4), TUNE_EPOCHS (10).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed -E 's/^# ?//'; }
RECIPE='' DRY=0 SMOKE=0
while (($#)); do
  case $1 in
    --recipe) RECIPE=${2:-}; shift $(($# > 1 ? 2 : 1));;
    --recipe=*) RECIPE=${1#*=}; shift;;
    --dry-run) DRY=1; shift;;
    --smoke) SMOKE=1; shift;;
    -h|--help) usage; exit 0;;
    --) shift; break;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2;;
    *) break;;
  esac
done
if ((SMOKE && $# == 0)); then set -- /usr/share/datasets/fashion-mnist; fi
if (($# < 1 || $# > 2)); then usage >&2; exit 2; fi
[[ -d $1 ]] || { echo "no folder $1" >&2; exit 2; }
DATA=$(cd "$1" && pwd)
if (($# == 2)); then OUT=$(realpath -m "$2"); elif ((SMOKE)); then OUT=$(mktemp -d "${TMPDIR:-/tmp}/fashion_mnist_gpu_smoke_XXXXXX"); else OUT=''; fi
cd "$(dirname "$0")/.."
if compgen -G "$DATA/train-images-idx3-ubyte*" > /dev/null && compgen -G "$DATA/t10k-labels-idx1-ubyte*" > /dev/null; then DATASET=fashion_mnist
elif [[ -f $DATA/cifar-100-python/meta || (-f $DATA/meta && -f $DATA/train && -f $DATA/test) ]]; then DATASET=cifar100
else echo "$DATA holds neither the four Fashion-MNIST IDX files nor CIFAR-100 (cifar-100-python: meta, train, test)" >&2; exit 2; fi
if [[ -z $RECIPE ]]; then RECIPE=$([[ $DATASET == cifar100 ]] && echo paper || echo one_cycle); fi
case $RECIPE in
  paper) ;;
  one_cycle) [[ $DATASET == fashion_mnist ]] || { echo "--recipe one_cycle is the Fashion-MNIST benchmark; CIFAR-100 runs --recipe paper" >&2; exit 2; };;
  *) echo "--recipe must be one_cycle or paper, got '$RECIPE'" >&2; exit 2;;
esac
OUT=${OUT:-benchmarks/results/fashion_mnist_gpu/${DATASET}_$RECIPE}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"   # the package from this working tree, installed or not
if ((SMOKE)); then SEEDS=${SEEDS:-1} EPOCHS=${EPOCHS:-1} TUNE_EPOCHS=${TUNE_EPOCHS:-1} GRID=${GRID:-0.5:0.1} JOBS=${JOBS:-1} BF16=${BF16:-1} ARCH=${ARCH:-test_resnet}; fi
SEEDS=${SEEDS:-3} BF16=${BF16:-1} MEASURE=${MEASURE:-1}
if [[ $RECIPE == paper ]]; then EPOCHS=${EPOCHS:-250} JOBS=${JOBS:-6} VARIANTS=${VARIANTS:-ce,ce+gini+kl} ARCH=${ARCH:-resnet50}
else EPOCHS=${EPOCHS:-30} ARCH=${ARCH:-resnet18} JOBS=${JOBS:-5} BS=${BS:-1024} LR=${LR:-5e-3} GRID=${GRID:-0.1:0.04,0.5:0.2,1.0:0.4} TUNE_EPOCHS=${TUNE_EPOCHS:-10}; fi
DEVICE=$(python3 -c "import torch; print('cuda' if torch.cuda.is_available() else 'cpu')" 2> /dev/null)
if [[ $DRY == 0 && $SMOKE == 0 && $DEVICE != cuda ]]; then echo "no CUDA device: this script trains on a GPU (--dry-run and --smoke run on a CPU)" >&2; exit 2; fi
[[ $DEVICE == cuda ]] && python3 -c "import torch; print(torch.__version__, torch.cuda.get_device_name())"
export DATA DATASET RECIPE OUT SEEDS EPOCHS JOBS BF16 MEASURE DEVICE DRY SMOKE ARCH VARIANTS BS LR GRID TUNE_EPOCHS

# The plan (every check of run_experiment, dry_run=True) and the estimate of the duration.
python3 - << 'EOF'
import os, subprocess, sys, warnings
warnings.filterwarnings('ignore')
from gini_loss.experiments import run_experiment
e = os.environ
paper, dev, bf16, epochs, jobs, seeds = e['RECIPE'] == 'paper', e['DEVICE'], e['BF16'] == '1', int(e['EPOCHS']), int(e['JOBS']), tuple(range(int(e['SEEDS'])))
smoke = dict(subset=.02) if e['SMOKE'] == '1' else {} # the sizes of --smoke
if paper:
    if smoke: smoke.update(holdout=200, bs=50)
    arch, bs, variants = e['ARCH'], smoke.get('bs', 200), tuple(e['VARIANTS'].split(','))
    plan = run_experiment(e['DATASET'], arch, variants, seeds, recipe='paper', epochs=epochs, path=e['DATA'], out=e['OUT'], device=dev, bf16=bf16,
                          channels_last=True, dry_run=True, progress=False, **smoke)
    todo = plan[~plan.done]
    holdout = smoke.get('holdout', 4000)
    # per run: training images, plus validation of the held-out images each epoch and two passes over the test set (a third of a step each)
    work = float((todo.train_images + (holdout * epochs + 2 * todo.eval_images) / 3).sum())
    print(plan.to_string(index=False)); print(f"\n{len(todo)} of {len(plan)} runs to train, {jobs} at a time, into {e['OUT']}")
else:
    arch, bs, variants = e['ARCH'], int(e['BS']), ('ce', 'ce+gini+kl', 'ce+ls', 'ce+center')
    if smoke: smoke.update(images_per_class=30); bs = 32
    plan = run_experiment('fashion_mnist', arch, variants, seeds, epochs=epochs, bs=bs, lr=float(e['LR']), path=e['DATA'], out=os.path.join(e['OUT'], 'test'),
                          device=dev, bf16=bf16, channels_last=True, dry_run=True, progress=False, **smoke)
    n_tune, n_train = 1 + len(e['GRID'].split(',')) + 3 + 2, plan.train_images.iloc[0] // epochs # + LS and center grids
    n_final = 5 * len(seeds) # ce, tuned and paper ce+gini+kl, ce+ls, ce+center
    work = float(n_tune * int(e['TUNE_EPOCHS']) * .9 * n_train + n_final * n_train * epochs)
    print(plan.to_string(index=False)); print(f"\ntuning: {n_tune} runs of {e['TUNE_EPOCHS']} epochs, then {n_final} runs "
                                              f"(these variants; ce+gini+kl twice: tuned and the paper's), {jobs} at a time")
chans, side, classes = (1, 28, 10) if e['DATASET'] == 'fashion_mnist' else (3, 32, 100)
MEASURE = r'''
import sys, time, torch, torch.nn.functional as F
from gini_loss.models import create_model
from gini_loss.core import gini_loss, kl_loss
arch, bs, chans, side, classes, bf16, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == '1', 12
torch.backends.cudnn.benchmark = True
m = create_model(arch, classes, in_chans=chans, img_size=side).cuda().to(memory_format=torch.channels_last)
feats = {}
m.layer4.register_forward_hook(lambda mod, i, o: feats.__setitem__('f', o))
opt = torch.optim.SGD(m.parameters(), lr=1e-3, momentum=.9)
x = torch.rand(bs, chans, side, side, device='cuda').to(memory_format=torch.channels_last)
y = torch.randint(0, classes, (bs,), device='cuda')
def step():
    with torch.autocast('cuda', torch.bfloat16, enabled=bf16):
        loss = F.cross_entropy(m(x), y)
    loss = loss + .5 * gini_loss(feats['f'], y, classes) + .5 * kl_loss(feats['f'], y, classes, prior='batch')
    opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
for _ in range(10): step()
torch.cuda.synchronize(); n, t0 = 0, time.time()
while time.time() - t0 < secs:
    for _ in range(5): step()
    n += 5; torch.cuda.synchronize()
print(n * bs / (time.time() - t0))
'''
if dev == 'cuda' and e['DRY'] == '0' and e['MEASURE'] == '1':
    procs = [subprocess.Popen([sys.executable, '-c', MEASURE, arch, str(bs), str(chans), str(side), str(classes), e['BF16']], stdout=subprocess.PIPE, text=True)
             for _ in range(jobs)]
    outs = [p.communicate()[0].strip().splitlines() for p in procs]
    rate = sum(float(o[-1]) for o in outs if o)
    how = f"measured: {jobs} processes training {arch} on random {side}x{side} batches of {bs} for 12 s, together"
else:
    rate = {'resnet50': 15000.}.get(arch, 55000.) # images/s of JOBS processes together on one H200: a guess, never measured here
    how = "ASSUMED, not measured (dry run, MEASURE=0 or no GPU): lower it or raise it once the first runs show their speed"
loop = 1.3 # fastai's loop, augmentation, metrics and checks around the bare training steps: assumed
hours = work * loop / rate / 3600
print(f"\nEstimate: {work / 1e6:.1f}M image-steps at {rate:,.0f} images/s ({how}), x{loop} for fastai's loop: about {hours:.1f} h ({hours * 60:.0f} min)")
EOF
[[ $DRY == 1 ]] && { echo "dry run: nothing was trained"; exit 0; }

if [[ $RECIPE == one_cycle ]]; then
  python3 benchmarks/fashion_mnist.py --data "$DATA" --out "$OUT" \
    --subset 1 --arch "$ARCH" --epochs "$EPOCHS" --bs "$BS" --lr "$LR" \
    --seeds "$SEEDS" --other-seeds "$SEEDS" --grid "$GRID" --tune-seeds 1 --tune-epochs "$TUNE_EPOCHS" \
    --device "$DEVICE" $([[ $BF16 == 1 ]] && echo --bf16) --channels-last --jobs "$JOBS" --threads $((SMOKE ? 1 : 2)) \
    $( ((SMOKE)) && echo --smoke) --machine-note "$( ((SMOKE)) && echo "--smoke on $DEVICE." || echo "One GPU, runs trained $JOBS at a time (wall times per run are concurrent).")"
  exit 0
fi

# The paper recipe: one process per run, JOBS at a time; then one call that finds every run done and writes results.md and the
# diagnostics of the seed-0 runs (whose weights the runs kept).
TRAIN=(python3 -c 'from gini_loss.experiments import gini_loss_train; gini_loss_train()') # gini_loss_train, from this working tree
COMMON=(--dataset "$DATASET" --path "$DATA" --recipe paper --arch "$ARCH" --epochs "$EPOCHS" --device "$DEVICE" --channels_last --out "$OUT")
[[ $BF16 == 1 ]] && COMMON+=(--bf16)
((SMOKE)) && COMMON+=(--subset 0.02 --holdout 200 --bs 50)
mkdir -p "$OUT/logs"
started=$(date +%s) failed=0 pids=()
for seed in $(seq 0 $((SEEDS - 1))); do
  for variant in ${VARIANTS//,/ }; do
    while (($(jobs -rp | wc -l) >= JOBS)); do sleep 10; done
    echo "$(date +%H:%M:%S) start $variant seed $seed (log: $OUT/logs/${variant}_seed$seed.log)"
    OMP_NUM_THREADS=2 "${TRAIN[@]}" "${COMMON[@]}" --variants "$variant" --seeds "$seed" --no_diagnostics --quiet \
      $([[ $seed == 0 ]] && echo --save_weights) > "$OUT/logs/${variant}_seed$seed.log" 2>&1 &
    pids+=($!)
  done
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
if ((failed)); then echo "some runs failed: see $OUT/logs (started again, the script trains only the missing runs)" >&2; exit 1; fi
echo "all runs trained in $((($(date +%s) - started) / 60)) min"
"${TRAIN[@]}" "${COMMON[@]}" --variants "$VARIANTS" --seeds "$(seq -s, 0 $((SEEDS - 1)))" --diagnostics --quiet
echo "results: $OUT/results.md, diagnostics: $OUT/diagnostics.md"
