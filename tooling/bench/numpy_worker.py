# NumPy side of tooling/bench/numpy-compare.mjs: reads one workload name per line on stdin,
# runs it once and prints the elapsed milliseconds (perf_counter around the call only).
# Thread count comes from OPENBLAS_NUM_THREADS / OMP_NUM_THREADS set by the caller.
import sys
import time

import numpy as np

try:
    import scipy.linalg as scipy_linalg
except ImportError:
    scipy_linalg = None

rng = np.random.default_rng(2026)


def gram(n):
    g = rng.standard_normal((n, n))
    return g @ g.T


data = {}


def setup(name):
    if name == 'gemm 1024':
        return (rng.standard_normal((1024, 1024)), rng.standard_normal((1024, 1024)))
    if name == 'eigh 784':
        return gram(784)
    if name == 'eigvalsh 1000':
        return gram(1000)
    if name == 'eigh top-10 of 2000':
        return gram(2000)
    if name.startswith('svd thin 784x1000'):
        return rng.standard_normal((784, 1000))
    raise ValueError(name)


def run(name, x):
    if name == 'gemm 1024':
        x[0] @ x[1]
    elif name == 'eigh 784':
        np.linalg.eigh(x)
    elif name == 'eigvalsh 1000':
        np.linalg.eigvalsh(x)
    elif name == 'eigh top-10 of 2000':
        # SciPy's subset solver (LAPACK dsyevr) when present, else what a NumPy user does: the full eigh.
        if scipy_linalg is not None:
            scipy_linalg.eigh(x, subset_by_index=[x.shape[0] - 10, x.shape[0] - 1])
        else:
            np.linalg.eigh(x)
    elif name == 'svd thin 784x1000':
        np.linalg.svd(x, full_matrices=False)
    elif name == 'svd thin 784x1000 values only':
        np.linalg.svd(x, compute_uv=False)


print('ready numpy ' + np.__version__ + (' scipy' if scipy_linalg is not None else ''), flush=True)
for line in sys.stdin:
    name = line.strip()
    if not name:
        continue
    try:
        if name not in data:
            data[name] = setup(name)
        t = time.perf_counter()
        run(name, data[name])
        print('%.4f' % ((time.perf_counter() - t) * 1e3), flush=True)
    except Exception as e:  # report, keep serving
        print('error ' + str(e).replace('\n', ' '), flush=True)
