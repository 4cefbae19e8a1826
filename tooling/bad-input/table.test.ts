/**
 * Bad input at the public entry points of the existing packages (issue 7): each row calls one exported
 * function with one wrong argument and expects the typed kernel error of docs/errors.md, with a message
 * that names the argument and says what was expected. Errors are recognised by brand (isKernelError),
 * not by object identity, so the table holds for any installed kernel version.
 */
import * as kernel from '@diffusion-theory/kernel';
import { NDArray, Rng, isKernelError, linearInterpolant, zeros } from '@diffusion-theory/kernel';
import * as denoisers from '@diffusion-theory/denoisers';
import * as metrics from '@diffusion-theory/metrics';
import * as ode from '@diffusion-theory/ode-theory';
import * as samplers from '@diffusion-theory/samplers';
import * as targets from '@diffusion-theory/targets';
import * as trainers from '@diffusion-theory/trainers';
import { describe, expect, it } from 'vitest';

type Kind = 'ShapeError' | 'DomainError' | 'NonFiniteError' | 'NotPositiveDefiniteError' | 'ParameterError' | 'DivergenceError';
interface Row {
  fn: string;
  condition: string;
  call: () => unknown;
  kind: Kind;
  /** The argument the message must name. */
  arg: RegExp;
}

const m = (rows: number, cols: number, data: number[]) => new NDArray(Float64Array.from(data), [rows, cols]);
const I2 = () => m(2, 2, [1, 0, 0, 1]);
const asym = () => m(2, 2, [1, 0.5, 0, 1]);
const indef = () => m(2, 2, [1, 2, 2, 1]);
const nanMat = () => m(2, 2, [1, 0, 0, Number.NaN]);
const schedule = linearInterpolant();
const rng = () => new Rng(1);
const mu5 = new Float64Array(5).fill(1);
const spec = () => ode.spectralMixtureFromCentroids({ d: 4, pi: [0.5, 0.5], mus: [Float64Array.of(1, 0, 0, 0), Float64Array.of(-1, 0, 0, 0)], groupOf: new Int32Array(4), Ng: 1, ell: [1, 1] });
const sgdBase = () => ({ model: denoisers.tiedDae({ d: 10, r: 1, activation: 'tanh' }), target: targets.gaussian({ dim: 10 }), schedule, rng: rng() });
const odeBase = () => ({ spec: spec(), r: 1, activation: 'tanh' as const, grid: { times: [0.5] }, schedule, eta: 0.2, lambda: 0, init: { q: [0.5], m: [0.1, -0.1] } });
const gauss2 = () => targets.gaussian({ dim: 2 });

const rows: Row[] = [
  // --- kernel ---
  { fn: 'eigh', condition: 'non-symmetric matrix', call: () => kernel.eigh(asym()), kind: 'DomainError', arg: /symmetric/ },
  { fn: 'eigh', condition: 'NaN entry', call: () => kernel.eigh(nanMat()), kind: 'NonFiniteError', arg: /a\b|matrix|expected finite/ },
  { fn: 'eigh', condition: 'non-square', call: () => kernel.eigh(zeros(2, 3)), kind: 'ShapeError', arg: /square/ },
  { fn: 'cholesky', condition: 'indefinite matrix', call: () => kernel.cholesky(indef()), kind: 'NotPositiveDefiniteError', arg: /positive definite/ },
  { fn: 'cholesky', condition: 'non-symmetric matrix', call: () => kernel.cholesky(asym()), kind: 'DomainError', arg: /symmetric/ },
  { fn: 'solveSPD', condition: 'non-symmetric matrix', call: () => kernel.solveSPD(asym(), Float64Array.of(1, 1)), kind: 'DomainError', arg: /symmetric/ },
  { fn: 'solve', condition: 'rhs of the wrong length', call: () => kernel.solve(I2(), new NDArray(Float64Array.of(1, 2, 3), [3])), kind: 'ShapeError', arg: /b\b|rhs/ },
  { fn: 'svd', condition: 'Infinity entry', call: () => kernel.svd(m(2, 2, [1, Number.POSITIVE_INFINITY, 0, 1])), kind: 'NonFiniteError', arg: /expected finite/ },
  { fn: 'matmul', condition: 'inner dimensions differ', call: () => kernel.matmul(zeros(2, 3), zeros(2, 3)), kind: 'ShapeError', arg: /expected|inner/ },
  { fn: 'veSchedule', condition: 'sigmaMax <= sigmaMin', call: () => kernel.veSchedule({ sigmaMin: 2, sigmaMax: 1 }), kind: 'DomainError', arg: /sigmaMax/ },
  { fn: 'vpSchedule', condition: 'negative betaMin', call: () => kernel.vpSchedule({ betaMin: -1 }), kind: 'DomainError', arg: /betaMin/ },
  { fn: 'edmSigmaGrid', condition: 'n < 2', call: () => kernel.edmSigmaGrid({ n: 1 }), kind: 'DomainError', arg: /\bn\b/ },
  { fn: 'resolveLossTimeGrid', condition: 'weights not summing to 1', call: () => kernel.resolveLossTimeGrid({ times: [0.2, 0.5], weights: [0.5, 0.6] }), kind: 'DomainError', arg: /grid\.weights/ },
  { fn: 'resolveLossTimeGrid', condition: 'weights of the wrong length', call: () => kernel.resolveLossTimeGrid({ times: [0.2, 0.5], weights: [1] }), kind: 'ShapeError', arg: /grid\.weights/ },
  { fn: 'resolveLossTimeGrid', condition: 'time outside [0, 1]', call: () => kernel.resolveLossTimeGrid({ times: [1.5] }), kind: 'DomainError', arg: /grid\.times\[0\]/ },
  { fn: 'integrateFixed', condition: 'NaN initial state', call: () => kernel.integrateFixed({ f: () => {}, y0: Float64Array.of(Number.NaN), t0: 0, t1: 1, steps: 2 }), kind: 'NonFiniteError', arg: /y0/ },
  { fn: 'integrateFixed', condition: 'zero steps', call: () => kernel.integrateFixed({ f: () => {}, y0: Float64Array.of(1), t0: 0, t1: 1, steps: 0 }), kind: 'DomainError', arg: /steps/ },
  { fn: 'dopri5', condition: 'negative rtol', call: () => kernel.dopri5({ f: () => {}, y0: Float64Array.of(1), t0: 0, t1: 1, rtol: -1 }), kind: 'DomainError', arg: /rtol/ },
  { fn: 'gaussLegendre', condition: 'non-integer order', call: () => kernel.gaussLegendre(2.5), kind: 'DomainError', arg: /\bn\b/ },
  { fn: 'fromData', condition: 'data length differs from the shape', call: () => kernel.fromData([1, 2, 3], [2, 2]), kind: 'ShapeError', arg: /expected|shape/ },
  { fn: 'sampleMean', condition: 'NaN sample', call: () => kernel.sampleMean(m(2, 1, [1, Number.NaN])), kind: 'NonFiniteError', arg: /expected finite/ },
  { fn: 'histogram1d', condition: 'too few bins', call: () => kernel.histogram1d(Float64Array.of(1, 2), { bins: 0, range: [0, 1] }), kind: 'DomainError', arg: /bins/ },
  // --- targets ---
  { fn: 'gaussian', condition: 'non-symmetric covariance', call: () => targets.gaussian({ covariance: asym() }), kind: 'DomainError', arg: /covariance/ },
  { fn: 'gaussian', condition: 'indefinite covariance', call: () => targets.gaussian({ covariance: indef() }), kind: 'NotPositiveDefiniteError', arg: /covariance/ },
  { fn: 'gaussian', condition: 'mean of the wrong length', call: () => targets.gaussian({ mean: [0, 0, 0], covariance: I2() }), kind: 'ShapeError', arg: /mean|covariance/ },
  { fn: 'gaussian', condition: 'NaN mean', call: () => targets.gaussian({ mean: [0, Number.NaN] }), kind: 'NonFiniteError', arg: /mean/ },
  { fn: 'gaussianMixture', condition: 'weights not summing to 1', call: () => targets.gaussianMixture({ weights: [0.5, 0.6], means: zeros(2, 2), covariances: [I2(), I2()] }), kind: 'DomainError', arg: /weights/ },
  { fn: 'gaussianMixture', condition: 'one covariance per component missing', call: () => targets.gaussianMixture({ weights: [0.5, 0.5], means: zeros(2, 2), covariances: [I2()] }), kind: 'ShapeError', arg: /covariances/ },
  { fn: 'gaussianMixture', condition: 'non-symmetric component covariance', call: () => targets.gaussianMixture({ weights: [0.5, 0.5], means: zeros(2, 2), covariances: [I2(), asym()] }), kind: 'DomainError', arg: /covariances\[1\]/ },
  { fn: 'binaryIsotropicGmm', condition: 'centroid of the wrong length', call: () => targets.binaryIsotropicGmm({ d: 4, sigma: 1, mu: [1, 1] }), kind: 'ShapeError', arg: /\bmu\b/ },
  { fn: 'binaryIsotropicGmm', condition: 'negative sigma', call: () => targets.binaryIsotropicGmm({ d: 4, sigma: -1 }), kind: 'DomainError', arg: /sigma/ },
  { fn: 'spectralGroupMixture', condition: 'group label out of range', call: () => targets.spectralGroupMixture({ dim: 2, groups: [0, 5], ell: m(1, 2, [1, 1]) }), kind: 'DomainError', arg: /groups/ },
  { fn: 'interpolantLaw', condition: 'time outside [0, 1]', call: () => targets.interpolantLaw(gauss2(), schedule, 2), kind: 'DomainError', arg: /\bt\b/ },
  { fn: 'spectrumSource', condition: 'negative eigenvalue', call: () => targets.spectrumSource([1, -1]), kind: 'DomainError', arg: /spectrum/ },
  // --- denoisers ---
  { fn: 'tiedDae', condition: 'weights of the wrong shape', call: () => denoisers.tiedDae({ d: 4, r: 2, activation: 'tanh', w: zeros(3, 2) }), kind: 'ShapeError', arg: /\bw\b/ },
  { fn: 'tiedDae', condition: 'non-integer width', call: () => denoisers.tiedDae({ d: 4, r: 1.5, activation: 'tanh' }), kind: 'DomainError', arg: /\br\b/ },
  { fn: 'tiedDae', condition: 'unknown activation', call: () => denoisers.tiedDae({ d: 4, r: 1, activation: 'nope' as 'tanh' }), kind: 'ParameterError', arg: /activation/ },
  { fn: 'checkGrid', condition: 'weights not summing to 1', call: () => denoisers.checkGrid({ times: [0.5], weights: [2] }), kind: 'DomainError', arg: /grid\.weights/ },
  { fn: 'tweedieBinaryGmmDenoiser', condition: 'negative sigma', call: () => denoisers.tweedieBinaryGmmDenoiser({ mu: mu5, sigma: -1, schedule }), kind: 'DomainError', arg: /sigma/ },
  // --- trainers ---
  { fn: 'onlineSgd', condition: 'target dimension differs from the model (d = 5 vs 10)', call: () => trainers.onlineSgd({ ...sgdBase(), target: targets.gaussian({ dim: 5 }), steps: 10 }), kind: 'ShapeError', arg: /target.*model\.d = 10.*target\.dim = 5/ },
  { fn: 'onlineSgd', condition: 'grid weights not summing to 1', call: () => trainers.onlineSgd({ ...sgdBase(), grid: { times: [0.2, 0.8], weights: [0.5, 0.7] }, steps: 10 }), kind: 'DomainError', arg: /grid\.weights/ },
  { fn: 'onlineSgd', condition: 'negative learning rate', call: () => trainers.onlineSgd({ ...sgdBase(), eta: -0.1, steps: 10 }), kind: 'DomainError', arg: /eta/ },
  { fn: 'onlineSgd', condition: 'eta = 1e6: tauMax below half a step (was: 0 steps, silently)', call: () => trainers.onlineSgd({ ...sgdBase(), eta: 1e6, tauMax: 1 }), kind: 'DomainError', arg: /tauMax.*0 steps/ },
  { fn: 'onlineSgd', condition: 'eta = 1e6 with explicit steps diverges', call: () => trainers.onlineSgd({ ...sgdBase(), eta: 1e6, steps: 50 }), kind: 'DivergenceError', arg: /eta/ },
  { fn: 'onlineSgd', condition: 'both steps and tauMax', call: () => trainers.onlineSgd({ ...sgdBase(), steps: 10, tauMax: 1 }), kind: 'ParameterError', arg: /steps, tauMax/ },
  { fn: 'gaussianInit', condition: 'non-integer d', call: () => trainers.gaussianInit({ d: 2.5, r: 1, rng: rng() } as never), kind: 'DomainError', arg: /\bd\b/ },
  // --- ode-theory ---
  { fn: 'spectralMixtureFromCentroids', condition: 'centroid of the wrong length', call: () => ode.spectralMixtureFromCentroids({ d: 4, pi: [0.5, 0.5], mus: [new Float64Array(4), new Float64Array(3)], groupOf: new Int32Array(4), Ng: 1, ell: [1, 1] }), kind: 'ShapeError', arg: /mus\[1\].*length d = 4/ },
  { fn: 'spectralMixtureFromCentroids', condition: 'NaN centroid', call: () => ode.spectralMixtureFromCentroids({ d: 2, pi: [1], mus: [Float64Array.of(1, Number.NaN)], groupOf: new Int32Array(2), Ng: 1, ell: [1] }), kind: 'NonFiniteError', arg: /mus\[0\]/ },
  { fn: 'spectralMixtureFromCentroids', condition: 'weights not summing to 1', call: () => ode.spectralMixtureFromCentroids({ d: 2, pi: [0.7], mus: [new Float64Array(2)], groupOf: new Int32Array(2), Ng: 1, ell: [1] }), kind: 'DomainError', arg: /pi/ },
  { fn: 'spectralMixtureFromCentroids', condition: 'ell of the wrong length', call: () => ode.spectralMixtureFromCentroids({ d: 2, pi: [1], mus: [new Float64Array(2)], groupOf: new Int32Array(2), Ng: 1, ell: [1, 2] }), kind: 'ShapeError', arg: /ell/ },
  { fn: 'solveDaeOde', condition: 'eta = 50 diverges (was: Q11 -> -2.4e35, then a hang)', call: () => ode.solveDaeOde({ ...odeBase(), eta: 50, tauMax: 20 }), kind: 'DivergenceError', arg: /tau = .*eta = 50/ },
  { fn: 'solveDaeOde', condition: 'negative tauMax', call: () => ode.solveDaeOde({ ...odeBase(), tauMax: -1 }), kind: 'DomainError', arg: /tauMax/ },
  { fn: 'solveDaeOde', condition: 'init.q of the wrong length', call: () => ode.solveDaeOde({ ...odeBase(), init: { q: [1, 0], m: [0, 0] }, tauMax: 1 }), kind: 'ShapeError', arg: /init\.q/ },
  { fn: 'solveDaeOde', condition: 'grid weights not summing to 1', call: () => ode.solveDaeOde({ ...odeBase(), grid: { times: [0.5], weights: [0.5] }, tauMax: 1 }), kind: 'DomainError', arg: /grid\.weights/ },
  { fn: 'solveDaeOde', condition: 'saveAt beyond tauMax', call: () => ode.solveDaeOde({ ...odeBase(), tauMax: 1, saveAt: [0, 2] }), kind: 'DomainError', arg: /saveAt\[1\]/ },
  { fn: 'validateSpectralMixture', condition: 'negative eigenvalue', call: () => ode.validateSpectralMixture({ ...spec(), ell: Float64Array.of(-1, 1) }), kind: 'DomainError', arg: /spec\.ell/ },
  { fn: 'bTau', condition: 'time outside [0, 1]', call: () => ode.bTau({ spec: spec(), grid: { times: [0.5] }, schedule } as never, 2 as never), kind: 'DomainError', arg: /./ },
  // --- samplers ---
  { fn: 'timeGrid', condition: 'tEnd = 1 (alpha_1 = 0)', call: () => samplers.timeGrid(schedule, { tEnd: 1, steps: 10 }), kind: 'DomainError', arg: /tEnd/ },
  { fn: 'timeGrid', condition: 'decreasing grid', call: () => samplers.timeGrid(schedule, { grid: [0, 0.5, 0.2] }), kind: 'DomainError', arg: /grid/ },
  { fn: 'paperGrid', condition: 'tEnd outside (0, 1)', call: () => samplers.paperGrid(100, 1.5), kind: 'DomainError', arg: /tEnd/ },
  { fn: 'sampleInterpolant', condition: 'x0 of the wrong length', call: () => samplers.sampleInterpolant({ denoiser: gauss2().denoiser(schedule), schedule, n: 3, rng: rng(), x0: new Float64Array(5), steps: 2, tEnd: 0.5 }), kind: 'ShapeError', arg: /x0/ },
  { fn: 'sampleInterpolant', condition: 'non-integer n', call: () => samplers.sampleInterpolant({ denoiser: gauss2().denoiser(schedule), schedule, n: 1.5, rng: rng(), steps: 2, tEnd: 0.5 }), kind: 'DomainError', arg: /\bn\b/ },
  { fn: 'sampleEdm', condition: 'increasing sigma grid', call: () => samplers.sampleEdm({ denoiser: gauss2().sigmaDenoiser(), sigmas: [0.1, 1, 0], n: 2, rng: rng() }), kind: 'DomainError', arg: /sigmas/ },
  // --- metrics ---
  { fn: 'meanError', condition: 'mean of the wrong length', call: () => metrics.meanError(zeros(3, 2), [0, 0, 0]), kind: 'ShapeError', arg: /mean/ },
  { fn: 'covarianceError', condition: 'reference covariance of the wrong shape', call: () => metrics.covarianceError(zeros(3, 2), zeros(3, 3)), kind: 'ShapeError', arg: /cov/ },
  { fn: 'gaussianW2', condition: 'non-symmetric covariance', call: () => metrics.gaussianW2([0, 0], asym(), [0, 0], I2()), kind: 'DomainError', arg: /symmetric/ },
  { fn: 'gaussianKL', condition: 'indefinite covariance', call: () => metrics.gaussianKL([0, 0], I2(), [0, 0], indef()), kind: 'NotPositiveDefiniteError', arg: /./ },
  { fn: 'hellinger', condition: 'densities of different lengths', call: () => metrics.hellinger(new Float64Array(4), new Float64Array(5), { lo: 0, hi: 1, points: 4 }), kind: 'ShapeError', arg: /\bq\b|\bp\b/ },
  { fn: 'meanWithError', condition: 'NaN value', call: () => metrics.meanWithError([1, Number.NaN, 2]), kind: 'NonFiniteError', arg: /values/ },
  { fn: 'sampleQuantile', condition: 'p outside [0, 1]', call: () => metrics.sampleQuantile([1, 2, 3], 1.5), kind: 'DomainError', arg: /\bp\b/ },
  { fn: 'studentTQuantile', condition: 'dof <= 0', call: () => metrics.studentTQuantile(0.9, 0), kind: 'DomainError', arg: /dof/ },
  { fn: 'isotropicGaussianW2Squared', condition: 'means of different lengths', call: () => metrics.isotropicGaussianW2Squared([0, 0], 1, [0], 1), kind: 'ShapeError', arg: /m2/ },
  { fn: 'ksDistance', condition: 'NaN sample', call: () => metrics.ksDistance([Number.NaN, 1], [1, 2]), kind: 'NonFiniteError', arg: /./ },
];

describe('bad input: every row throws the typed error of docs/errors.md, naming the argument', () => {
  it.each(rows.map((r) => [`${r.fn}: ${r.condition} -> ${r.kind}`, r] as const))('%s', (_label, row) => {
    let err: unknown;
    try {
      row.call();
    } catch (e) {
      err = e;
    }
    expect(err, `${row.fn} did not throw`).toBeDefined();
    expect(isKernelError(err), `${row.fn} threw a non-kernel error: ${String(err)}`).toBe(true);
    const e = err as Error & { code: string };
    expect(e.code, e.message).toBe(row.kind);
    expect(e.message).toMatch(row.arg);
    expect(e.message).toMatch(/expected|diverge|not |above|less than|differ|but/);
  });
});
