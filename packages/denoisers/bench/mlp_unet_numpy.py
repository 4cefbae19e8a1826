# NumPy reference of one MLP-UNet training step (spec spectral-bias §13.2-13.4) for mlp-unet.bench.mjs:
# EDM-preconditioned forward, EDM loss, backward by hand, one Adam step, all float64 -- the same step as
# @diffusion-theory/denoisers edmPrecond(mlpUnet(...)).lossAndGrad + trainers adamStep.
# Protocol: argv = d nlayers nhidden temb batch; prints "ready", then for each line "step" on stdin runs one
# training step and prints the elapsed milliseconds (perf_counter around the step only).
import sys
import time

import numpy as np

d, nlayers, H, E, B = (int(a) for a in sys.argv[1:6])
assert d == H, 'this reference assumes ndim == nhidden (identity skips), as in the bench'
rng = np.random.default_rng(1)
SD = 0.5
omega = rng.standard_normal(E // 2)


def lin(i, o):
    return [rng.standard_normal((o, i)) / np.sqrt(i), np.zeros(o)]


blocks = []
for _ in range(nlayers - 1):
    blocks.append({'g0': np.ones(H), 'b0': np.zeros(H), 'fc0': lin(H, H), 'aff': lin(E, 2 * H), 'g1': np.ones(H), 'b1': np.zeros(H), 'fc1': lin(H, H)})
out = lin(H, d)
params = []
for b in blocks:
    params += [b['g0'], b['b0'], *b['fc0'], *b['aff'], b['g1'], b['b1'], *b['fc1']]
params += out
m = [np.zeros_like(p) for p in params]
v = [np.zeros_like(p) for p in params]
t = [0]

x0 = rng.standard_normal((B, d))
noise = rng.standard_normal((B, d))
sigma = np.exp(-1.2 + 1.2 * rng.standard_normal(B))[:, None]


def layer_norm(x, g, b):
    mu = x.mean(1, keepdims=True)
    xc = x - mu
    rstd = 1 / np.sqrt((xc * xc).mean(1, keepdims=True) + 1e-5)
    xh = xc * rstd
    return xh * g + b, xh, rstd


def layer_norm_back(dy, g, xh, rstd):
    dh = dy * g
    dx = rstd * (dh - dh.mean(1, keepdims=True) - xh * (dh * xh).mean(1, keepdims=True))
    return dx, (dy * xh).sum(0), dy.sum(0)


def loss_and_grads():
    s2 = sigma * sigma + SD * SD
    cskip, cout, cin, w = SD * SD / s2, sigma * SD / np.sqrt(s2), 1 / np.sqrt(s2), s2 / (sigma * SD) ** 2
    x = x0 + sigma * noise
    a = 2 * np.pi * (np.log(sigma) / 4) * omega
    e = np.concatenate([np.sin(a), np.cos(a)], 1)
    h = cin * x
    cache = []
    for b in blocks:
        a0, xh0, r0 = layer_norm(h, b['g0'], b['b0'])
        s0 = 1 / (1 + np.exp(-a0))
        u0 = a0 * s0
        z0 = u0 @ b['fc0'][0].T + b['fc0'][1]
        ss = e @ b['aff'][0].T + b['aff'][1]
        a1, xh1, r1 = layer_norm(z0, b['g1'], b['b1'])
        mm = a1 * (1 + ss[:, :H]) + ss[:, H:]
        s1 = 1 / (1 + np.exp(-mm))
        u1 = mm * s1
        z1 = u1 @ b['fc1'][0].T + b['fc1'][1]
        cache.append((h, a0, xh0, r0, s0, u0, ss, a1, xh1, r1, mm, s1, u1))
        h = z1 + h
    F = h @ out[0].T + out[1]
    err = cskip * x + cout * F - x0
    loss = float((w * (err * err).sum(1, keepdims=True)).mean())
    dF = 2 * w * cout * err / B
    grads = []
    dh = dF @ out[0]
    gout = [dF.T @ h, dF.sum(0)]
    for b, (hin, a0, xh0, r0, s0, u0, ss, a1, xh1, r1, mm, s1, u1) in zip(reversed(blocks), reversed(cache)):
        dz1 = dh
        gfc1 = [dz1.T @ u1, dz1.sum(0)]
        du1 = dz1 @ b['fc1'][0]
        dmm = du1 * s1 * (1 + mm * (1 - s1))
        da1 = dmm * (1 + ss[:, :H])
        dss = np.concatenate([dmm * a1, dmm], 1)
        gaff = [dss.T @ e, dss.sum(0)]
        dz0, gg1, gb1 = layer_norm_back(da1, b['g1'], xh1, r1)
        gfc0 = [dz0.T @ u0, dz0.sum(0)]
        du0 = dz0 @ b['fc0'][0]
        da0 = du0 * s0 * (1 + a0 * (1 - s0))
        dx, gg0, gb0 = layer_norm_back(da0, b['g0'], xh0, r0)
        dh = dh + dx
        grads = [gg0, gb0, *gfc0, *gaff, gg1, gb1, *gfc1] + grads
    grads += gout
    return loss, grads


def step():
    loss, grads = loss_and_grads()
    t[0] += 1
    c1 = 1 / (1 - 0.9 ** t[0])
    c2 = 1 / (1 - 0.999 ** t[0])
    for p, g, mi, vi in zip(params, grads, m, v):
        mi *= 0.9
        mi += 0.1 * g
        vi *= 0.999
        vi += 0.001 * g * g
        p -= 1e-4 * (mi * c1) / (np.sqrt(vi * c2) + 1e-8)
    return loss


if __name__ != '__main__':
    raise SystemExit
print('ready numpy ' + np.__version__, flush=True)
for line in sys.stdin:
    if line.strip() != 'step':
        print('error unknown command', flush=True)
        continue
    t0 = time.perf_counter()
    step()
    print(f'{(time.perf_counter() - t0) * 1000:.3f}', flush=True)
