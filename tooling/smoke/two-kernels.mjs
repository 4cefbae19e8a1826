// Two kernel versions in one tree, as npm makes it after a minor bump: the project has kernel A
// (the packed version) beside targets + samplers + metrics, and a lab package `lab-tools` that
// depends on kernel B (the same code repacked as the next minor), which npm nests under it.
// Arrays, generators and schedules made by kernel B go through targets, samplers and metrics
// (built on kernel A), and errors thrown by them are recognised by kernel B.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, strictTsconfig, tsc } from './lib.mjs';

export function twoKernels(work, tarballs) {
  const base = join(work, 'two-kernels');
  // kernel B: the kernel tarball with its version bumped to the next minor
  const kb = join(base, 'kernel-b');
  mkdirSync(kb, { recursive: true });
  run('tar', ['xzf', tarballs.kernel, '-C', kb], base);
  const pj = JSON.parse(readFileSync(join(kb, 'package', 'package.json'), 'utf8'));
  const [major, minor] = pj.version.split('.').map(Number);
  const versionA = pj.version;
  pj.version = `${major}.${minor + 1}.0`;
  writeFileSync(join(kb, 'package', 'package.json'), JSON.stringify(pj, null, 2));
  const tgzB = join(kb, run('npm', ['pack', '--silent', '--pack-destination', kb], join(kb, 'package')).trim().split('\n').pop());

  const lab = join(base, 'lab-tools');
  mkdirSync(lab, { recursive: true });
  writeFileSync(
    join(lab, 'package.json'),
    JSON.stringify({ name: 'lab-tools', version: '1.0.0', type: 'module', main: 'index.js', types: 'index.d.ts', dependencies: { '@diffusion-theory/kernel': `file:${tgzB}` } }),
  );
  writeFileSync(join(lab, 'index.js'), "export * as kernelB from '@diffusion-theory/kernel';\n");
  writeFileSync(join(lab, 'index.d.ts'), "export * as kernelB from '@diffusion-theory/kernel';\n");

  const app = join(base, 'app');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'two-kernels', private: true, type: 'module' }));
  const libs = ['kernel', 'targets', 'samplers', 'metrics'].map((n) => tarballs[n]);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', '--install-links', ...libs, lab], app);
  writeFileSync(join(app, 'main.mjs'), MAIN);
  const out = run('node', ['main.mjs', versionA, pj.version], app).trim();
  // the declared types compose too (no private or symbol-keyed members make them nominal)
  writeFileSync(join(app, 'types.ts'), TYPES);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...strictTsconfig.compilerOptions, noEmit: true }, include: ['types.ts'] }));
  run('node', [tsc, '-p', 'tsconfig.json'], app);
  return `${out}; the types of kernel ${pj.version} type-check against packages built on ${versionA} (strict TypeScript)`;
}

const MAIN = `import { createRequire } from 'node:module';
import * as kernelA from '@diffusion-theory/kernel';
import { kernelB } from 'lab-tools';
import { gaussian } from '@diffusion-theory/targets';
import { sampleInterpolant } from '@diffusion-theory/samplers';
import { covarianceError, meanError } from '@diffusion-theory/metrics';

const [versionA, versionB] = process.argv.slice(2);
const check = (ok, what) => { if (!ok) throw new Error('two kernels: ' + what); };
// the tree really holds two kernels
const req = createRequire(import.meta.url);
const pathA = req.resolve('@diffusion-theory/kernel/package.json');
const pathB = createRequire(req.resolve('lab-tools')).resolve('@diffusion-theory/kernel/package.json');
check(pathA !== pathB && req(pathA).version === versionA && req(pathB).version === versionB, 'expected kernel ' + versionA + ' and ' + versionB + ', got ' + pathA + ', ' + pathB);
check(kernelA.NDArray !== kernelB.NDArray && kernelA.ShapeError !== kernelB.ShapeError, 'the two kernels share classes');

// arrays, generator and schedule from kernel B into targets (A) -> samplers (A) -> metrics (A)
const cov = kernelB.fromNested([[2, 0.5], [0.5, 1]]);
const target = gaussian({ mean: [1, -1], covariance: cov });
const schedule = kernelB.linearInterpolant({ epsilon: 0 });
const n = 4000;
const { samples } = sampleInterpolant({ denoiser: target.denoiser(schedule), schedule, n, rng: new kernelB.Rng(1), method: 'heun', steps: 100, tEnd: 0.999 });
check(kernelA.isNDArray(samples) && kernelB.isNDArray(samples) && samples instanceof kernelB.NDArray, 'samples are not recognised by both kernels');
const { norm } = meanError(samples, target.mean());
const { relFrobenius } = covarianceError(samples, cov);
check(norm < 0.1 && relFrobenius < 0.15, 'mean error ' + norm + ', covariance error ' + relFrobenius);
// kernel B computes on kernel A's array
const sc = kernelB.sampleCovariance(samples);
check(Math.abs(sc.get(0, 0) - 2) < 0.3, 'kernel B sampleCovariance ' + sc.get(0, 0));
// both kernels draw the same numbers from the same seed
check(new kernelA.Rng(5).uniform() === new kernelB.Rng(5).uniform(), 'seeded streams differ between versions');
// an error thrown by targets (kernel A) is recognised by kernel B, by class, brand and code
let caught;
try { gaussian({ mean: [0, 0, 0], covariance: cov }); } catch (e) { caught = e; }
check(caught instanceof kernelB.ShapeError && kernelB.isKernelError(caught, 'ShapeError') && caught.code === 'ShapeError' && !(caught instanceof kernelB.DomainError), 'error from kernel A not recognised by kernel B: ' + caught);
console.log('two kernels (' + versionA + ' beside ' + versionB + '): targets + samplers + metrics compose; mean error ' + norm.toFixed(3) + ', covariance error ' + relFrobenius.toFixed(3));
`;

const TYPES = `import { kernelB } from 'lab-tools';
import * as kernelA from '@diffusion-theory/kernel';
import { gaussian } from '@diffusion-theory/targets';
import { sampleInterpolant } from '@diffusion-theory/samplers';
import { covarianceError, meanError } from '@diffusion-theory/metrics';

const cov: kernelB.NDArray = kernelB.fromNested([[2, 0.5], [0.5, 1]]);
const target = gaussian({ mean: [1, -1], covariance: cov });
const schedule = kernelB.linearInterpolant({ epsilon: 0 });
const { samples } = sampleInterpolant({ denoiser: target.denoiser(schedule), schedule, n: 10, rng: new kernelB.Rng(1), steps: 10, tEnd: 0.9 });
const back: kernelB.NDArray = samples;
const rngA: kernelA.Rng = new kernelB.Rng(2);
meanError(back, target.mean());
covarianceError(samples, cov);
void rngA;
`;
