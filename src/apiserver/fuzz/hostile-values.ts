// The fuzzer's vocabulary of hostile values: strings that look like numbers or nothing, numbers
// JavaScript and Go disagree about, keys that mean something to JavaScript objects, sizes
// beyond what a sane client sends. Data only; the generators pick from these lists.

/** Strings a parser might mistake for numbers, booleans, null, or nothing at all. */
export const nanLikeStrings: readonly string[] = [
  "NaN",
  "Infinity",
  "-Infinity",
  "1e309",
  "-0",
  "0x10",
  "0o7",
  "1_000",
  "+5",
  " 5",
  "5 ",
  "",
  " ",
  "null",
  "undefined",
  "true",
  "[object Object]",
  "\u0000",
  "\t\n",
  "9007199254740993",
  "-9223372036854775809",
];

/** Strings with characters that break naive escaping or paths. */
export const awkwardStrings: readonly string[] = [
  "../../../etc/passwd",
  "..",
  ".",
  "a/b",
  "a%2Fb",
  "%00",
  "x\u0000y",
  "<script>alert(1)</script>",
  "${jndi:ldap://x}",
  "'; DROP TABLE objects; --",
  "\u202Eevil",
  "é",
  "\uFEFFbom",
  "名前",
  "😀",
  "line\r\nInjected: header",
  "\\",
  '"',
];

/**
 * Numbers as raw JSON text: beyond float range (JSON.parse makes them ±Infinity or 0), beyond
 * int32 and int64, fractions and exponents where integers belong.
 */
export const hostileNumberTexts: readonly string[] = [
  "1e400",
  "-1e400",
  "1e-400",
  "2147483648",
  "-2147483649",
  "9007199254740991",
  "9223372036854775807",
  "9223372036854775808",
  "123456789012345678901234567890",
  "0.5",
  "1.0",
  "1e2",
  "-0",
  "-1",
  "0",
];

/** Raw JSON number texts that no integer field can hold: JSON.parse turns them into ±Infinity. */
export const infiniteNumberTexts: readonly string[] = ["1e400", "-1e400"];

/** Keys with a meaning to JavaScript objects. */
export const prototypeKeys: readonly string[] = ["__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "valueOf", "__defineGetter__", "toJSON"];

/** Raw JSON string literals that are valid JSON but odd: lone surrogates, escaped NUL, overlong escapes. */
export const oddStringLiterals: readonly string[] = ['"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '"a\\u0000b"', '"\\/\\b\\f"', '"\\uFFFF"'];

/** Sizes of huge strings: past the usual name limits, and past etcd's 1.5 MiB object limit. */
export const hugeSizes: readonly number[] = [254, 64 * 1024, 1536 * 1024 + 1];
