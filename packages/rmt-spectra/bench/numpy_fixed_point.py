# NumPy side of spectra.bench.mjs: the damped fixed point of the K-group saddle-point equations
# (spec rmt-spectra §5.3 step 4) vectorised over all points, z = x - i eps; one request per stdin line
# "<eps> <tol>", prints the elapsed milliseconds and the density checksum.
import sys
import time

import numpy as np

alpha, f, s = 0.5, np.array([0.75, 0.25]), np.array([1.0, 0.01])
x = np.linspace(1e-3, 6.0, 10_000)


def density(eps, tol, damping=0.5, max_iter=200_000):
    z = x - 1j * eps
    q = 1.0 / z
    active = np.ones(x.shape, dtype=bool)
    for _ in range(max_iter):
        qa = q[active]
        za = z[active]
        qhat = -(alpha * f[None, :] * s[None, :] / (alpha - s[None, :] * qa[:, None])).sum(axis=1)
        new = (1 - damping) * qa + damping / (za + qhat)
        done = np.abs(new - qa) <= tol * np.abs(new)
        q[active] = new
        idx = np.flatnonzero(active)
        active[idx[done]] = False
        if not active.any():
            break
    return q.imag / np.pi


print('ready numpy ' + np.__version__, flush=True)
for line in sys.stdin:
    eps, tol = (float(v) for v in line.split())
    t = time.perf_counter()
    rho = density(eps, tol)
    ms = (time.perf_counter() - t) * 1e3
    print(f'{ms} {rho.sum()}', flush=True)
