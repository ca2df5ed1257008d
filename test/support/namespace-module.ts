/** A module whose namespace object becomes the receiver of a cached function: `ns.compute(1)`. */
import { lruCache } from '../../src/index.js';

let factor = 1;

export function setFactor(value: number): void {
  factor = value;
}

export const compute = lruCache((n: number) => n * factor);
