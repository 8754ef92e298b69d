/**
 * Resource quantities (`100m`, `1Gi`, `0.5`, `1e3`) as Kubernetes' `resource.Quantity` reads and
 * prints them.
 *
 * A quantity is kept exactly, as an integer number of nano-units (BigInt), so sums and comparisons
 * never drift (Kubernetes, too, rounds anything finer than `1n` up). The string form is Kubernetes'
 * canonical one: binary suffixes (`Ki`…`Ei`) stay binary when the amount is a whole number of units
 * of at least 1024, exponents (`1e3`) stay exponents, and everything else uses the decimal SI
 * suffixes with the largest multiple-of-three exponent that keeps the number whole (`0.5` → `500m`,
 * `1536Mi` stays, `1024Mi` → `1Gi`, `2000` → `2k`).
 */

export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

/** Kubernetes' message for a string that is not a quantity. */
export const quantityFormatError =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export class QuantityError extends Error {
  override name = 'QuantityError';
}

const NANO = 1_000_000_000n;
const binarySuffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const decimalSuffixes: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));

function pow(base: bigint, exp: number): bigint {
  return base ** BigInt(exp);
}

/** a / b rounded away from zero. */
function divUp(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : a < 0n ? q - 1n : q + 1n;
}

export class Quantity {
  private constructor(
    /** The amount in units of 10⁻⁹ (so `1` is 1 000 000 000n and `1m` is 1 000 000n). */
    readonly nanos: bigint,
    readonly format: QuantityFormat,
  ) {}

  /** Parses a quantity; throws {@link QuantityError} with Kubernetes' message when malformed. */
  static parse(text: string): Quantity {
    const m = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(text.trim());
    if (!m || text.trim() === '') throw new QuantityError(quantityFormatError);
    const num = m[1]!;
    const suffix = m[2]!;
    const nm = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(num);
    if (!nm || (nm[2] === '' && (nm[3] ?? '') === '')) throw new QuantityError(quantityFormatError);
    const negative = nm[1] === '-';
    const intPart = nm[2] ?? '';
    const fracPart = nm[3] ?? '';
    // value = digits × 10^(exp10 − fracLen) × 2^(exp2)
    let digits = BigInt((intPart + fracPart) || '0');
    let exp10 = -fracPart.length;
    let format: QuantityFormat;
    const bin = binarySuffixes.indexOf(suffix as (typeof binarySuffixes)[number]);
    if (suffix !== '' && bin > 0) {
      digits *= pow(1024n, bin);
      format = 'BinarySI';
    } else if (suffix in decimalSuffixes) {
      exp10 += decimalSuffixes[suffix]!;
      format = 'DecimalSI';
    } else if (/^[eE][-+]?\d+$/.test(suffix)) {
      exp10 += Number(suffix.slice(1));
      format = 'DecimalExponent';
    } else {
      throw new QuantityError('unable to parse quantity\'s suffix');
    }
    // To nano-units, rounding anything finer up (away from zero), as Kubernetes does.
    const shift = exp10 + 9;
    let nanos = shift >= 0 ? digits * pow(10n, shift) : divUp(digits, pow(10n, -shift));
    if (negative) nanos = -nanos;
    return new Quantity(nanos, format);
  }

  /** Parses, or returns undefined when malformed. */
  static tryParse(text: string): Quantity | undefined {
    try {
      return Quantity.parse(text);
    } catch {
      return undefined;
    }
  }

  static fromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(nanos, format);
  }

  /** E.g. `Quantity.fromMilli(250)` is `250m` (cpu). */
  static fromMilli(milli: number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(Math.round(milli)) * 1_000_000n, format);
  }

  /** E.g. `Quantity.fromValue(2 * 1024 ** 3, 'BinarySI')` is `2Gi`. */
  static fromValue(value: number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(Math.round(value)) * NANO, format);
  }

  get sign(): -1 | 0 | 1 {
    return this.nanos === 0n ? 0 : this.nanos < 0n ? -1 : 1;
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  /** Whole base units, rounded up (Kubernetes' `Value()`): bytes for memory, cores for cpu. */
  value(): number {
    return Number(divUp(this.nanos, NANO));
  }

  /** Thousandths of a unit, rounded up (Kubernetes' `MilliValue()`): millicores for cpu. */
  milliValue(): number {
    return Number(divUp(this.nanos, 1_000_000n));
  }

  /** The amount as a float, for display and arithmetic that may be approximate. */
  toNumber(): number {
    return Number(this.nanos) / 1e9;
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos === other.nanos ? 0 : this.nanos < other.nanos ? -1 : 1;
  }

  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.format);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.format);
  }

  /** Rounded up to a multiple of 10^scale (e.g. -3 for milli, as defaulting does). */
  roundUp(scale: number): Quantity {
    const unit = pow(10n, scale + 9);
    if (unit <= 1n) return this;
    return new Quantity(divUp(this.nanos, unit) * unit, this.format);
  }

  /** The canonical string, as Kubernetes serialises the quantity. */
  toString(): string {
    if (this.nanos === 0n) return '0';
    if (this.nanos < 0n) return `-${new Quantity(-this.nanos, this.format).toString()}`;
    if (this.format === 'BinarySI' && this.nanos >= 1024n * NANO && this.nanos % NANO === 0n) {
      let n = this.nanos / NANO;
      let k = 0;
      while (k < binarySuffixes.length - 1 && n % 1024n === 0n) {
        n /= 1024n;
        k++;
      }
      return `${n}${binarySuffixes[k]}`;
    }
    let m = this.nanos;
    let exp = -9;
    while (exp < 18 && m % 1000n === 0n) {
      m /= 1000n;
      exp += 3;
    }
    if (this.format === 'DecimalExponent') return exp === 0 ? `${m}` : `${m}e${exp}`;
    return `${m}${decimalByExponent.get(exp) ?? ''}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Parses a quantity (throws QuantityError). */
export function parseQuantity(text: string): Quantity {
  return Quantity.parse(text);
}

/** The canonical form of a quantity string, or the input unchanged when it does not parse. */
export function canonicalQuantity(text: string): string {
  return Quantity.tryParse(text)?.toString() ?? text;
}

/** A quantity given as a JSON value (string or number, as clients send it). */
export function quantityOf(v: unknown): Quantity | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Quantity.tryParse(String(v));
  return typeof v === 'string' ? Quantity.tryParse(v) : undefined;
}
