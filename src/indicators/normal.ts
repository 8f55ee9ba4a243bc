// The standard normal distribution: CDF, upper tail and quantile, accurate to about 1e-14 (no table constants).

const SQRT2 = Math.SQRT2;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erfc(x) for x >= 0: the Maclaurin series of erf below 2.5, Lentz's continued fraction (Abramowitz & Stegun 7.1.14) above. */
function erfcPositive(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)); terms shrink fast enough below 2.5.
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - TWO_OVER_SQRT_PI * sum;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), by modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** P(Z > z) for a standard normal Z, without the cancellation of 1 - cdf in the far tail. */
export function normalUpper(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const t = z / SQRT2;
  return t >= 0 ? erfcPositive(t) / 2 : 1 - erfcPositive(-t) / 2;
}

/** P(Z <= z). */
export function normalCdf(z: number): number {
  return normalUpper(-z);
}

/** The density of the standard normal at z. */
export function normalPdf(z: number): number {
  return Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);
}

/** The z with P(Z <= z) = p, by Newton steps on the CDF from a tail-shaped starting point. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  if (p === 0.5) return 0;
  if (p > 0.5) return -normalQuantile(1 - p);
  // Lower tail: start from the rational approximation of Abramowitz & Stegun 26.2.23 (error < 4.5e-4), then refine
  // with Halley steps on this module's CDF.
  const q = Math.sqrt(-2 * Math.log(p));
  let z = -(
    q -
    (2.515517 + q * (0.802853 + q * 0.010328)) / (1 + q * (1.432788 + q * (0.189269 + q * 0.001308)))
  );
  for (let i = 0; i < 50; i++) {
    const err = normalCdf(z) - p;
    const pdf = normalPdf(z);
    if (pdf === 0) break;
    const step = err / pdf;
    const next = z - step / (1 + (z * step) / 2);
    if (Math.abs(next - z) <= 1e-15 * Math.max(1, Math.abs(z))) {
      z = next;
      break;
    }
    z = next;
  }
  return z;
}
