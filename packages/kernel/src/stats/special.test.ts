import { describe, expect, it } from 'vitest';
import { erf, erfc, logSumExp, normalCdf, normalPdf } from './special.js';

// Reference values from mpmath at 40 digits.
const ERF_REF: Array<[number, number, number]> = [
  [-3.0, -0.9999779095030014, 1.9999779095030015],
  [-1.2, -0.9103139782296353, 1.9103139782296354],
  [-0.3, -0.3286267594591274, 1.3286267594591274],
  [0.0, 0.0, 1.0],
  [1e-10, 1.1283791670955126e-10, 0.999999999887162],
  [0.1, 0.1124629160182849, 0.887537083981715],
  [0.3, 0.3286267594591274, 0.6713732405408726],
  [0.49, 0.511668261188523, 0.4883317388114769],
  [0.5, 0.5204998778130465, 0.4795001221869535],
  [0.51, 0.5292436198411704, 0.4707563801588296],
  [0.7, 0.6778011938374184, 0.32219880616258156],
  [1.0, 0.8427007929497149, 0.15729920705028513],
  [1.5, 0.9661051464753108, 0.033894853524689274],
  [1.2, 0.9103139782296353, 0.08968602177036464],
  [1.49, 0.9648978648432042, 0.03510213515679579],
  [1.5, 0.9661051464753108, 0.033894853524689274],
  [1.51, 0.9672767481287117, 0.03272325187128836],
  [1.7, 0.9837904585907745, 0.01620954140922544],
  [2.0, 0.9953222650189527, 0.004677734981047266],
  [2.5, 0.999593047982555, 0.0004069520174449589],
  [3.0, 0.9999779095030014, 2.209049699858544e-05],
  [4.0, 0.9999999845827421, 1.541725790028002e-08],
  [5.0, 0.9999999999984626, 1.537459794428035e-12],
  [6.0, 1.0, 2.1519736712498913e-17],
  [8.0, 1.0, 1.1224297172982926e-29],
  [10.0, 1.0, 2.088487583762545e-45],
  [15.0, 1.0, 7.212994172451207e-100],
  [20.0, 1.0, 5.395865611607901e-176],
  [26.0, 1.0, 5.663192408856143e-296],
];
const CDF_REF: Array<[number, number]> = [
  [-38.0, 2.88542835e-316],
  [-30.0, 4.906713927148187e-198],
  [-20.0, 2.7536241186062337e-89],
  [-10.0, 7.619853024160525e-24],
  [-5.0, 2.866515718791939e-07],
  [-3.0, 0.0013498980316300946],
  [-1.5, 0.06680720126885807],
  [-0.5, 0.3085375387259869],
  [0.0, 0.5],
  [0.5, 0.6914624612740131],
  [1.96, 0.9750021048517795],
  [3.0, 0.9986501019683699],
  [8.0, 0.9999999999999993],
];

const rel = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b));

describe('erf, erfc, normalCdf', () => {
  it('erf and erfc match 40-digit references to 1e-14 relative (erfc in the far tail too)', () => {
    let worst = 0;
    for (const [x, e, ec] of ERF_REF) {
      worst = Math.max(worst, rel(erf(x), e), rel(erfc(x), ec));
      expect(rel(erf(x), e)).toBeLessThan(1e-14);
      expect(rel(erfc(x), ec)).toBeLessThan(1e-14);
    }
    expect(worst).toBeLessThan(1e-14);
  });
  it('normalCdf keeps relative accuracy in the lower tail', () => {
    for (const [x, p] of CDF_REF) expect(rel(normalCdf(x), p)).toBeLessThan(2e-13);
    expect(normalCdf(3, 1, 2)).toBeCloseTo(normalCdf(1), 15);
  });
  it('symmetries, limits and NaN', () => {
    expect(erf(-0.7)).toBe(-erf(0.7));
    expect(erfc(40)).toBe(0);
    expect(erfc(-40)).toBe(2);
    expect(Number.isNaN(erf(Number.NaN))).toBe(true);
    expect(normalCdf(0)).toBe(0.5);
  });
  it('normalPdf integrates to 1 and has the right value at 0', () => {
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 16);
    let s = 0;
    for (let i = -1500; i <= 1500; i++) s += normalPdf(i * 0.01, 0.3, 1.5) * 0.01;
    expect(s).toBeCloseTo(1, 12);
  });
  it('logSumExp is stable and exact on simple inputs', () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logSumExp([-1000, -1000, -1000])).toBeCloseTo(-1000 + Math.log(3), 12);
    expect(logSumExp([0, Number.NEGATIVE_INFINITY])).toBe(0);
    expect(logSumExp([])).toBe(Number.NEGATIVE_INFINITY);
    expect(logSumExp(Float64Array.of(Math.log(2), Math.log(3)))).toBeCloseTo(Math.log(5), 15);
  });
});
