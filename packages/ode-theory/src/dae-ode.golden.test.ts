/**
 * Golden values of the Result 2.1 right-hand side (daeOdeRhs): bit-exact outputs on fixed states, so
 * that a refactoring of the RHS cannot change a number unnoticed. The cases cover every branch: the
 * Stein, regression and linear closed forms; a two-time weighted grid with the O(eta) noise term
 * (cross-time pairs), time encoding, weight decay; two clusters and two groups with reference
 * directions; and microscopic groups in factor form. Regenerate only for an intended change of the
 * numbers (GOLDEN_WRITE=1 prints the new table).
 */
import { linearInterpolant, NDArray } from '@diffusion-theory/kernel';
import { spectralGroupMixture } from '@diffusion-theory/targets';
import { describe, expect, test } from 'vitest';
import { type DaeOdeOptions, daeOdeRhs } from './dae-ode.js';
import { daeStateLayout, packState } from './dae-state.js';
import type { SpectralMixtureSpec } from './spectral-mixture.js';
import { heterogeneous } from './fixtures.test.util.js';

const schedule = linearInterpolant();


function mixedMicro(d = 40): SpectralMixtureSpec {
  const mu = new Float64Array(2 * d);
  mu[0] = 1.5;
  mu[1] = -0.7;
  mu[2] = 0.4;
  mu[5] = 1.0;
  mu[d + 0] = -0.5;
  mu[d + 2] = 1.2;
  mu[d + 7] = -1.3;
  const E = new Float64Array(d * 2);
  E[0] = 1;
  E[3] = 1;
  return spectralGroupMixture({
    weights: [0.6, 0.4],
    means: new NDArray(mu, [2, d]),
    groupSizes: [1, 2, d - 3],
    ell: new NDArray(Float64Array.of(6, 3, 0.5, 9, 2, 0.8), [2, 3]),
    microscopic: [true, true, false],
    reference: new NDArray(E, [d, 2]),
  }).constants();
}

const plainState = {
  q: [0.9, 0.2, 0.2, 0.5, 0.4, -0.1, -0.1, 0.7],
  m: [1.1, 0.3, 0.2, -0.4, -0.5, 0.6, 0.1, -0.9],
  g: [0.5, 0.1, 0.2, -0.3, 0.05, 0.4, -0.2, 0.1],
  v: [0.3, -0.2],
  b: 0.4,
};

interface GoldenCase {
  name: string;
  spec: SpectralMixtureSpec;
  opts: DaeOdeOptions;
  state: Parameters<typeof packState>[1];
}

const rich = { r: 2, grid: { times: [0.3, 0.7], weights: [0.4, 0.6] }, schedule, eta: 0.2, lambda: 0.3, timeEncoding: (t: number) => t };

function cases(): GoldenCase[] {
  const het = heterogeneous();
  const mic = mixedMicro();
  const microState = { ...plainState, q: [...plainState.q, 0.3, 0.05, 0.05, 0.2], m: [...plainState.m.slice(0, 4), 0.2, 0.1, ...plainState.m.slice(4), -0.3, 0.4], g: [...plainState.g, 0.1, 0.2, -0.1, 0.3], u: [0.6, -0.2, 0.3, 0.4, -0.1, 0.5] };
  return [
    { name: 'tanh stein, two times, noise, encoding, decay', spec: het, opts: { ...rich, activation: 'tanh', form: 'stein' }, state: plainState },
    { name: 'tanh regression, two times, noise, encoding, decay', spec: het, opts: { ...rich, activation: 'tanh', form: 'regression' }, state: plainState },
    { name: 'relu regression, one time', spec: het, opts: { r: 2, grid: { times: [0.5] }, schedule, eta: 0.2, lambda: 0, activation: 'relu' }, state: plainState },
    { name: 'relu regression, two times, noise, encoding, decay', spec: het, opts: { ...rich, activation: 'relu', form: 'regression' }, state: plainState },
    { name: 'linear closed, two times, noise, encoding, decay', spec: het, opts: { ...rich, activation: 'linear' }, state: plainState },
    { name: 'tanh stein, microscopic groups in factor form', spec: mic, opts: { ...rich, activation: 'tanh' }, state: microState },
  ];
}

function evaluate(c: GoldenCase): number[] {
  const f = daeOdeRhs(c.spec, c.opts);
  const L = daeStateLayout({ r: c.opts.r, K: c.spec.K, Ng: c.spec.Ng, R: c.spec.R, nMicro: f.layout.nMicro });
  const y = packState(L, c.state);
  const dy = new Float64Array(y.length);
  f(0, y, dy);
  return Array.from(dy);
}

// biome-ignore format: a table of golden numbers
const GOLDEN: Record<string, number[]> = {
  'tanh stein, two times, noise, encoding, decay': [
    -0.10848470162976331, -0.13892871552968106, -0.13892871552968106, -0.2591300152137632, -0.2690749982231194, 0.004109024451047584, 0.004109024451047584, -0.40213927322241916, 1.0558773724304906, -0.3625087888415818, -0.09869982864043261, 0.1626295782428419, 0.16435460407907132, -0.18174159412341565, -0.21673984867462304, 0.17479006668022243, 0.3942590184678924, -0.038303000907759205, -0.1651542738827174, 0.06917768134825701, -0.022959626720161934, -0.12313900752336605, 0.08217245434139407, 0.05018868891252336, -0.047303280169695386, 0.03890291950291842, 0.3692,
  ],
  'tanh regression, two times, noise, encoding, decay': [
    -0.1084847016225983, -0.13892871552495867, -0.13892871552495867, -0.2591300152039107, -0.26907499821944375, 0.004109024454404605, 0.004109024454404605, -0.4021392732007282, 1.055877372434458, -0.36250878883225734, -0.0986998286391262, 0.16262957823890858, 0.16435460407181565, -0.1817415941223132, -0.2167398486731949, 0.17479006666582533, 0.39425901846922445, -0.03830300090497528, -0.16515427387801743, 0.069177681346731, -0.022959626719724624, -0.12313900752174964, 0.08217245433863496, 0.050188688920638685, -0.047303280169695386, 0.03890291950291842, 0.3692,
  ],
  'relu regression, one time': [
    -0.050778795498381726, -0.2224439487161845, -0.2224439487161845, -0.12944007324524778, -0.3942007166823635, -0.226881070805784, -0.226881070805784, -0.493503144339367, 1.638180443906119, 0.17907932266009624, -0.09153589711657087, 0.09163209876783245, 0.16813198726547957, 0.01626934598006742, 0.1511245515641547, 0.4234088863122799, 0.6058562732838656, 0.0060376516804651085, 0.04302033083996105, 0.040994624231714204, -0.003171019570342379, -0.3899392951927636, 0.05567252673831639, -0.18573698218348747, 0, 0, 0.36
  ],
  'relu regression, two times, noise, encoding, decay': [
    -1.4448988837880448, -0.4566616902995335, -0.4566616902995335, -0.3457009639653064, -0.8929866816942474, -0.16446704287543523, -0.16446704287543523, -0.7332463726263618, 0.5223135384702248, 0.08531208042044773, -0.1957209232318443, 0.14942734290882836, 0.4818115097739971, -0.07632738852705762, 0.1445250324789345, 0.5853980460498743, 0.11777376954569897, -0.04975791414321587, -0.01157056132286604, 0.09473660389584222, -0.026212515243296524, -0.637582029116772, 0.08607252923674646, -0.22442381578253995, -0.25955479726958536, -0.05290180231129883, 0.3692
  ],
  'linear closed, two times, noise, encoding, decay': [
    -1.7899881836000002, -0.5511488492000001, -0.5511488492000001, -0.8452426695999997, -1.105865702, 0.13565638379999997, 0.13565638379999997, -1.2328307339999993, 0.2278869999999997, -0.6975219999999999, -0.31731599999999993, 0.41389599999999993, 0.650384, -0.5258419999999998, -0.35224599999999995, 0.7499919999999998, -0.004542000000000088, -0.12896200000000002, -0.35137399999999996, 0.2484699999999999, -0.073933, -0.5675159999999999, 0.20964599999999997, -0.027675999999999944, -0.17418, 0.07667999999999998, 0.3692,
  ],
  'tanh stein, microscopic groups in factor form': [
    1.2142875834531746, -0.49664965404488576, -0.49664965404488576, 0.19617892675734883, -0.07458831487329104, 0.009790951725472032, 0.009790951725472032, 0.38284021546712266, -0.16516356250949832, -0.11001380195368937, -0.11001380195368937, 0.007485170244765693, 1.5178594793164686, -0.7356709753400581, 0.09566819841248975, -0.021166412922828833, 0.052699541176753545, -0.10822128902112786, -0.5059531597721562, 0.24522365844668603, 0.06226918363428162, 0.2953588476337915, 0.12652980420063903, 0.01855041739214218, 1.0119063195443123, 0, -0.49044731689337207, 0, 0, -0.10701686266818458, 0, 0.17088480304870377, -0.08038914688763346, -0.10023247593594231, 0.06555416845191445, -0.1361166875164187, -0.0651408455607185, 0.09024651689768222, 0.13398800000000005, 1.0119063195443123, -0.49044731689337207, -0.10701686266818458, 0.17088480304870377, 0.05189098636190138, 0.24613237302815955,
  ],
};

describe('daeOdeRhs golden values (bit-exact)', () => {
  const all = cases();
  if (process.env.GOLDEN_WRITE) {
    test('print the golden table', () => {
      console.log(JSON.stringify(Object.fromEntries(all.map((c) => [c.name, evaluate(c)]))));
    });
    return;
  }
  test.each(all.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const dy = evaluate(c);
    expect(GOLDEN[name]).toBeDefined();
    expect(dy).toEqual(GOLDEN[name]);
    // not a trivial state: the RHS moves every block
    expect(Math.max(...dy.map(Math.abs))).toBeGreaterThan(0.05);
  });
});
