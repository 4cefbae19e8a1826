import { bound, type Check } from './result.js';

/** value <= upper, as a bound (temporary helper while experiments are rewritten). */
export function upperBound(name: string, value: number, upper: number, note = ''): Check {
  return bound(name, value, { upper }, note);
}
