/** How Citi takes numbers in requests: as JSON numbers or as numeric strings (`"transactionAmount":"30"`). */

const NUMBER = /^-?\d+(\.\d+)?$/;
const INTEGER = /^-?\d+$/;
/** At most two decimals, written out plainly: `30`, `0.29`, `125.50`. */
const AMOUNT = /^\d+(\.\d{1,2})?$/;

/**
 * A positive amount with at most two decimals, given as a number or a numeric string; else
 * undefined. Judged on its decimal text, not by `x * 100`: 0.29 * 100 is not 29 in binary floating
 * point. A number's text is JavaScript's shortest round-trip form, so 1.13 reads "1.13".
 */
export function amountValue(value: unknown): number | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined || !AMOUNT.test(text)) return undefined;
  const amount = Number(text);
  return amount > 0 ? amount : undefined;
}

/** A number sent as a string: `"30"`, `"-4"`, `"125.50"` (a whole one where an integer is wanted). */
export function isNumericString(value: unknown, integer = false): value is string {
  return typeof value === 'string' && (integer ? INTEGER : NUMBER).test(value.trim());
}

/** A number, or a number sent as a numeric string; else undefined. */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return isNumericString(value) ? Number(value.trim()) : undefined;
}
