// Lot codes (DESIGN.md §3), as domain/codes.py: 8 Crockford base32 symbols + 1 Damm check symbol
// over GF(32) (x^5 + x^2 + 1). Catches every single-symbol error and every neighbour swap.
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const INDEX = Object.fromEntries([...ALPHABET].map((c, i) => [c, i]));
const LOOKALIKE = { O: '0', I: '1', L: '1' };

const dbl = (x) => { x <<= 1; return x & 32 ? x ^ 0b100101 : x; };
const fold = (idx) => idx.reduce((acc, i) => dbl(acc) ^ i, 0);

/** Canonical symbols of a typed or scanned code, or null when a character cannot be one. */
export function symbols(text) {
  const out = [];
  for (const ch of String(text || '').trim().toUpperCase()) {
    if (ch === '-' || ch === ' ') continue;
    const s = LOOKALIKE[ch] || ch;
    if (!(s in INDEX)) return null;
    out.push(s);
  }
  return out.join('');
}

/** 'ok' | 'short' | 'long' | 'char' | 'check': what the user has typed so far. */
export function checkCode(text) {
  const s = symbols(text);
  if (s === null) return 'char';
  if (s.length < 9) return 'short';
  if (s.length > 9) return 'long';
  return fold([...s].map((c) => INDEX[c])) === 0 ? 'ok' : 'check';
}

export function normalize(text) {
  return checkCode(text) === 'ok' ? symbols(text) : null;
}

export const format = (code) => code.replace(/(...)(?=.)/g, '$1-');

export function newCode() {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const data = [...bytes].map((b) => b & 31);
  return data.map((i) => ALPHABET[i]).join('') + ALPHABET[dbl(fold(data))];
}

/** The code in a scanned label: `…/l/CODE` from a QR URL, or the text itself. */
export function fromScan(text) {
  const m = /\/l\/([0-9A-Za-z-]+)\/?$/.exec(text || '');
  return normalize(m ? m[1] : text);
}
