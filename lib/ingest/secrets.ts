// What looks like a secret in an imported value: an API key as providers print it, or a full
// payment card number. One definition for every importer, for typed entities, and for what a
// refused row's reason may quote of the value it refuses.

/** A key's kind, which it keeps when redacted (`sk-proj-`): not secret, and tells keys apart. */
const KEY_KIND = String.raw`(?:sk|rk)-(?:(?:proj|svcacct|admin|live|test)-)?`;
const KEY = String.raw`${KEY_KIND}[A-Za-z0-9_-]{20,}`;
/** The kind at the start of a key (`sk-proj-`, `rk-live-`). */
export const KEY_KIND_PREFIX = new RegExp(`^${KEY_KIND}`, "i");

/**
 * A secret API key anywhere in a text, in any case: not inside a word (`desk-…`), but after a
 * digit, `_`, punctuation or a URL escape (`key%3Dsk-…`, `Bearer%20sk-…`).
 */
export const SECRET_KEY = new RegExp(String.raw`(?:(?<![A-Za-z])|(?<=%[0-9A-Fa-f]{2}))${KEY}`, "gi");
/** A value that is a secret API key, whole. */
export const WHOLE_SECRET_KEY = new RegExp(`^${KEY}$`, "i");

/** Might the text hold a secret key? A cheap test before the regular expression. */
export function mayHoldKey(text: string): boolean {
  return text.includes("k-") || text.includes("K-");
}

/** 13–19 digits, optionally grouped by spaces or dashes: a candidate card number. */
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
/** The same grouped by dots, in fours (4111.1111.1111.1111): a dot elsewhere ends a number (4111…1111.0). */
const DOTTED_CARD_CANDIDATE = /(?<![\d.])\d{4}(?:\.\d{4}){2,3}\d{0,3}(?![\d.])/g;

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = +digits[digits.length - 1 - i]!;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Does the text hold what looks like a full payment card number (a major network's, Luhn-valid)? */
export function holdsCardNumber(text: string): boolean {
  if (text.length < 13) return false; // the common case, without a regular expression
  let digits = 0;
  for (let i = 0; i < text.length && digits < 13; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (digits + (text.length - i - 1) < 13) return false; // too few characters left for 13 digits
  }
  if (digits < 13) return false;
  for (const candidate of [CARD_CANDIDATE, DOTTED_CARD_CANDIDATE])
    for (const match of text.matchAll(candidate)) {
      const digits = match[0].replace(/[ .-]/g, "");
      if (digits.length >= 13 && /^[2-6]/.test(digits) && passesLuhn(digits)) return true;
    }
  return false;
}

/**
 * A value as a refusal quotes it (reasons are stored and shown): its first `max` characters in
 * quotes, with any secret key masked first, and nothing of it if it holds a card number.
 */
export function quoted(value: string, max = 40): string {
  if (holdsCardNumber(value)) return "a value that looks like a payment card number";
  const masked = mayHoldKey(value) ? value.replace(SECRET_KEY, "[secret key]") : value;
  return `"${masked.slice(0, max)}"`;
}
