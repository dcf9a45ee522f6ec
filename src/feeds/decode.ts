// Feed bytes → text. Feeds lie about their encoding often enough (Miniflux keeps test files for it)
// that every declared charset is checked against the bytes before it is believed.

import { gunzipSync, constants as zlibConstants } from "node:zlib";
import iconv from "iconv-lite";
import { NewswatchError } from "../errors.js";

/** A gzip body that inflates beyond this is refused: the fetcher's byte limit applies to the compressed size. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

type Charset = string;

/** Names people write, mapped to what iconv-lite should use (the WHATWG Encoding Standard's supersets). */
const CHARSET_SUPERSETS: Record<string, Charset> = {
  "us-ascii": "windows-1252",
  ascii: "windows-1252",
  "iso-8859-1": "windows-1252",
  "iso8859-1": "windows-1252",
  iso88591: "windows-1252",
  latin1: "windows-1252",
  "latin-1": "windows-1252",
  l1: "windows-1252",
  cp1252: "windows-1252",
  "x-cp1252": "windows-1252",
  gb2312: "gb18030",
  gbk: "gb18030",
  "x-gbk": "gb18030",
  cp936: "gb18030",
  "euc-cn": "gb18030",
  "euc-kr": "cp949",
  "ks_c_5601-1987": "cp949",
  ks_c_5601: "cp949",
  "x-windows-949": "cp949",
  shift_jis: "cp932",
  "shift-jis": "cp932",
  sjis: "cp932",
  "x-sjis": "cp932",
  ms_kanji: "cp932",
  "windows-31j": "cp932",
  "tis-620": "windows-874",
  "iso-8859-11": "windows-874",
  big5: "cp950",
  "x-mac-roman": "macintosh",
  "iso-8859-9": "windows-1254",
  "iso-8859-8-i": "iso-8859-8",
};

const UTF8 = "utf-8";

function isUtf16Or32(charset: Charset): boolean {
  return /^(utf-?(16|32)|ucs-?(2|4))/.test(charset);
}

function isUtf8(charset: Charset): boolean {
  return charset === "utf-8" || charset === "utf8";
}

/** The charset iconv-lite should decode with, or undefined for a name nobody knows. */
function resolveCharset(name: string | undefined): Charset | undefined {
  if (name === undefined) return undefined;
  const lower = name
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, "");
  if (lower === "") return undefined;
  const charset = CHARSET_SUPERSETS[lower] ?? lower;
  if (isUtf8(charset)) return UTF8;
  return iconv.encodingExists(charset) ? charset : undefined;
}

function isGzip(body: Buffer): boolean {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

function gunzip(body: Buffer, maxBytes: number): Buffer {
  try {
    // Sync flush lets a truncated stream give back what it has instead of failing outright.
    return gunzipSync(body, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: maxBytes });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new NewswatchError("NW_FEED_TOO_LARGE", `feed inflates beyond ${maxBytes} bytes`, { cause: err });
    }
    // Not really gzip after all: decode the bytes as they are and let the parser judge them.
    return body;
  }
}

interface Sniffed {
  charset: Charset;
  bomLength: number;
}

/** Byte-order marks, and the zero-byte patterns of UTF-16/32 text that has no BOM. */
function sniffUnicode(body: Buffer): Sniffed | undefined {
  const [b0, b1, b2, b3] = [body[0], body[1], body[2], body[3]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { charset: UTF8, bomLength: 3 };
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff) return { charset: "utf-32be", bomLength: 4 };
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return { charset: "utf-32le", bomLength: 4 };
  if (b0 === 0xfe && b1 === 0xff) return { charset: "utf-16be", bomLength: 2 };
  if (b0 === 0xff && b1 === 0xfe) return { charset: "utf-16le", bomLength: 2 };
  // Without a BOM, ASCII text (markup, white space) in UTF-16/32 shows as zero bytes around each character.
  const zero = [b0 === 0, b1 === 0, b2 === 0, b3 === 0].map((isZero) => (isZero ? "0" : "x")).join("");
  if (body.length >= 4 && zero === "000x") return { charset: "utf-32be", bomLength: 0 };
  if (body.length >= 4 && zero === "x000") return { charset: "utf-32le", bomLength: 0 };
  if (body.length >= 4 && zero === "0x0x") return { charset: "utf-16be", bomLength: 0 };
  if (body.length >= 4 && zero === "x0x0") return { charset: "utf-16le", bomLength: 0 };
  return undefined;
}

/** The `charset` parameter of a Content-Type header (`text/xml; charset="windows-1251"`). */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const match = /;\s*charset\s*=\s*["']?\s*([^"';\s]+)/i.exec(contentType);
  return match?.[1];
}

/** The `encoding` of an XML declaration at the start of the (ASCII-compatible) bytes. */
function charsetFromXmlDeclaration(body: Buffer): string | undefined {
  const head = body.subarray(0, 1024).toString("latin1");
  const match = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']/i.exec(head);
  return match?.[1];
}

interface Utf8Census {
  /** Characters of two bytes or more encoded correctly. */
  multibyte: number;
  /** Bytes that cannot start or continue a UTF-8 sequence where they stand. */
  invalid: number;
}

/** Counts valid multi-byte sequences and invalid bytes, as a decoder would meet them. */
function censusUtf8(bytes: Buffer): Utf8Census {
  let multibyte = 0;
  let invalid = 0;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    let length = 0;
    let min = 0;
    if (lead >= 0xc2 && lead <= 0xdf) [length, min] = [2, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [length, min] = [3, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [length, min] = [4, 0x10000];
    if (length === 0 || i + length > bytes.length) {
      invalid += 1;
      i += 1;
      continue;
    }
    let codePoint = lead & (0xff >> (length + 1));
    let ok = true;
    for (let k = 1; k < length; k += 1) {
      const next = bytes[i + k]!;
      if ((next & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (!ok || codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      invalid += 1;
      i += 1;
      continue;
    }
    multibyte += 1;
    i += length;
  }
  return { multibyte, invalid };
}

// ---------------------------------------------------------------------------------------------
// Guessing the charset of bytes that carry no usable label and are not UTF-8. Each candidate decodes
// a sample and scores the characters it produces by how text in that charset's languages looks.

/** Frequent characters of Chinese text, simplified and traditional: a right decoding hits them often. */
const COMMON_HANZI = new Set(
  "的一是不了人我在有他这這中大来來上国國个個到说說们們为為子和你地出道也时時年得就那要下以生会會自着著去之过過家学學对對可她里裡后後小么麼心多天而能好都然没沒日于於起还還发發成事只作当當想看文无無开開手十用主行方又如前所本见見经經头頭面公同三已老从從动動两兩长長知民样樣现現分将將外但身些与與高意进進把法此实實回二理美点點月明其种種声聲全工己话話儿兒者向情部正名定女问問力机機给給等几幾很业業最间間新什打便位因重被走电電四第门門相次东東政海口使教西再平真听聽世气氣信北少关關并並内內加化由却卻代军軍产產入先山五太水万萬市眼体體别別处處总總才场場师師书書比住员員网網络絡站请請更多年月日",
);

/** Frequent Hangul syllables: Korean text is mostly made of these, other tables' bytes seldom land on them. */
const COMMON_HANGUL = new Set(
  "이다는의에을하가고지한로서기도리사자대를으수나인어해시정아국보일게부전여장것들제있상적라요와주면과그만생성경원화우구동소관학문비분회후무미내중했니또없모위신오연발통러세진공출실조및처당계현방업선물월거합개각공개법결재민교안중용유외간말단산작될라던운명될데님본할년었습니까은입니했며",
);

const CJK_PUNCTUATION = /[\u3000-\u303F\uFF01-\uFF5E]/;
const CJK_IDEOGRAPH = /[\u4E00-\u9FFF]/;
const KANA = /[\u3041-\u3096\u30A1-\u30FA\u30FC]/;
const HANGUL = /[\uAC00-\uD7A3]/;
const CYRILLIC_LOWER = /[\u0430-\u044F\u0451]/;
const CYRILLIC_UPPER = /[\u0410-\u042F\u0401]/;
const HEBREW = /[\u05D0-\u05EA]/;
const THAI = /[\u0E01-\u0E5B]/;
const LATIN_EXTRA = /[\u00C0-\u00FF\u0152\u0153\u0160\u0161\u0178\u017D\u017E]/;
const ASCII_LETTER = /[A-Za-z]/;

type CharScore = (char: string, previous: string, next: string) => number;

function cjkScore(native: RegExp | Set<string> | undefined, otherIdeographs: number): CharScore {
  return (char) => {
    if (native instanceof Set ? native.has(char) : native?.test(char)) return 1;
    if (HANGUL.test(char)) return native instanceof Set ? 0.2 : -1;
    if (COMMON_HANZI.has(char)) return 1;
    if (CJK_PUNCTUATION.test(char)) return 0.5;
    if (CJK_IDEOGRAPH.test(char)) return otherIdeographs;
    return -1;
  };
}

/** A letter of another script glued to a Latin letter is what a wrong table makes of "café". */
function besideLatin(previous: string, next: string): boolean {
  return ASCII_LETTER.test(previous) || ASCII_LETTER.test(next);
}

const cyrillicScore: CharScore = (char, previous, next) => {
  if ((CYRILLIC_LOWER.test(char) || CYRILLIC_UPPER.test(char)) && besideLatin(previous, next)) return -1;
  if (CYRILLIC_LOWER.test(char)) return 1;
  // A capital starts a word; capitals inside words are what the wrong Cyrillic table produces.
  if (CYRILLIC_UPPER.test(char))
    return /[\p{L}]/u.test(previous) && !CYRILLIC_UPPER.test(previous) ? -1 : 0.5;
  return -1;
};

const THAI_CONSONANT = /[\u0E01-\u0E2E]/;
const THAI_UPPER_LOWER_VOWEL = /[\u0E31\u0E34-\u0E3A\u0E47]/;
const THAI_TONE_MARK = /[\u0E48-\u0E4C]/;
const THAI_FOLLOWING_VOWEL = /[\u0E30\u0E32\u0E33\u0E45]/;
const THAI_LEADING_VOWEL = /[\u0E40-\u0E44]/;
const THAI_RARE = /[\u0E03\u0E05\u0E26\u0E2F\u0E3F\u0E4F-\u0E5B]/;

/**
 * Thai spelling rules that random bytes break: vowel marks sit on a consonant, tone marks on a
 * consonant or vowel mark, leading vowels precede a consonant; Thai digits and obsolete letters are rare.
 */
const thaiScore: CharScore = (char, previous, next) => {
  if (besideLatin(previous, next)) return -1;
  if (THAI_RARE.test(char)) return -1;
  if (THAI_UPPER_LOWER_VOWEL.test(char)) return THAI_CONSONANT.test(previous) ? 1 : -2;
  if (THAI_TONE_MARK.test(char))
    return THAI_CONSONANT.test(previous) || THAI_UPPER_LOWER_VOWEL.test(previous) ? 1 : -2;
  if (THAI_FOLLOWING_VOWEL.test(char))
    return THAI_CONSONANT.test(previous) || THAI_TONE_MARK.test(previous) ? 1 : -2;
  if (THAI_LEADING_VOWEL.test(char)) return THAI_CONSONANT.test(next) ? 1 : -2;
  if (THAI.test(char)) return 1;
  return -1;
};

const CANDIDATES: Array<[Charset, CharScore]> = [
  // Latin text has a few accented letters among plain ones; mojibake of other scripts has runs of them.
  [
    "windows-1252",
    (char, previous, next) =>
      LATIN_EXTRA.test(char) ? (ASCII_LETTER.test(previous) || ASCII_LETTER.test(next) ? 1 : -1) : 0,
  ],
  ["windows-1255", (char, previous, next) => (HEBREW.test(char) && !besideLatin(previous, next) ? 1 : -1)],
  ["windows-1251", cyrillicScore],
  ["koi8-r", cyrillicScore],
  ["windows-874", thaiScore],
  ["gb18030", cjkScore(undefined, 0.2)],
  ["cp950", cjkScore(undefined, 0.2)],
  ["cp932", cjkScore(KANA, 0.2)],
  ["euc-jp", cjkScore(KANA, 0.2)],
  ["cp949", cjkScore(COMMON_HANGUL, -0.3)],
];

const GUESS_SAMPLE_BYTES = 64 * 1024;

/** The average score of the non-ASCII characters of a decoding. */
function scoreDecoding(text: string, score: CharScore): number {
  let total = 0;
  let counted = 0;
  let previous = " ";
  const chars = [...text];
  chars.forEach((char, index) => {
    const code = char.codePointAt(0)!;
    if (code >= 0x80) {
      counted += 1;
      if (char === "\uFFFD" || (code >= 0x80 && code <= 0x9f) || (code >= 0xe000 && code <= 0xf8ff))
        total -= 5;
      else total += score(char, previous, chars[index + 1] ?? " ");
    }
    previous = char;
  });
  return counted === 0 ? 0 : total / counted;
}

/** The candidate charset whose reading of the bytes looks most like text; windows-1252 when none does. */
/** Every pair of high bytes: what a decoding scores on bytes that mean nothing. */
const NOISE = Buffer.from(
  Array.from({ length: 128 * 128 * 2 }, (_, i) => 0x80 + (i % 2 === 0 ? (i >> 8) & 0x7f : (i >> 1) & 0x7f)),
);

let chanceScores: Map<Charset, number> | undefined;

/** How well each candidate scores on noise: Thai reads most high bytes as letters, CJK tables few. */
function chanceScore(charset: Charset, score: CharScore): number {
  chanceScores ??= new Map();
  let chance = chanceScores.get(charset);
  if (chance === undefined) {
    chance = scoreDecoding(iconv.decode(NOISE, charset), score);
    chanceScores.set(charset, chance);
  }
  return chance;
}

/**
 * The candidate charset whose reading of the bytes looks most like text, measured as the lift of its
 * score over what it scores on noise; windows-1252 when no reading beats chance clearly.
 */
function guessCharset(bytes: Buffer): Charset {
  const sample = bytes.subarray(0, GUESS_SAMPLE_BYTES);
  let best: Charset = "windows-1252";
  let bestLift = 0.2;
  for (const [charset, score] of CANDIDATES) {
    // Only a charset that reads noise as text needs discounting; a negative score on noise says nothing.
    const chance = Math.min(Math.max(chanceScore(charset, score), 0), 0.9);
    const lift = (scoreDecoding(iconv.decode(sample, charset), score) - chance) / (1 - chance);
    if (lift > bestLift) [best, bestLift] = [charset, lift];
  }
  return best;
}

/**
 * Chooses between what the feed declared and what the bytes are. Valid UTF-8 with multi-byte
 * characters is UTF-8 whatever the label says (a single-byte reading would be mojibake). Bytes that
 * are not UTF-8 under a UTF-8 label (or none) are guessed from their content, unless most of them
 * are UTF-8 and only a few are broken.
 */
function chooseCharset(declared: Charset | undefined, census: Utf8Census, bytes: Buffer): Charset {
  const looksUtf8 = census.multibyte > 0 && census.invalid === 0;
  if (declared !== undefined && !isUtf8(declared)) {
    if (looksUtf8 || isUtf16Or32(declared)) return UTF8;
    return declared;
  }
  if (census.invalid > 0 && census.invalid >= census.multibyte) return guessCharset(bytes);
  return UTF8;
}

/** Removes the `encoding` pseudo-attribute so that nothing downstream decodes the text a second time. */
function dropDeclaredEncoding(text: string): string {
  const start = text.search(/\S/);
  if (start === -1 || !/^<\?xml\s/i.test(text.slice(start, start + 6))) return text;
  const end = text.indexOf("?>", start);
  if (end === -1 || end - start > 1024) return text;
  const declaration = text.slice(start, end).replace(/\s+encoding\s*=\s*(["'])[^"']*\1/i, "");
  return text.slice(0, start) + declaration + text.slice(end);
}

/**
 * Turns a feed body into text: gunzips it when it is gzip, then decodes it with the charset of its
 * byte-order mark, else of the Content-Type header, else of its XML declaration, else UTF-8 — each
 * checked against the bytes (see chooseCharset). The result has no BOM and no `encoding` in its
 * XML declaration.
 */
export function decodeFeedBytes(
  body: Buffer,
  contentType?: string,
  maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
): string {
  const bytes = isGzip(body) ? gunzip(body, maxDecompressedBytes) : body;
  const unicode = sniffUnicode(bytes);
  let text: string;
  if (unicode !== undefined) {
    text = iconv.decode(bytes.subarray(unicode.bomLength), unicode.charset, { stripBOM: true });
  } else {
    const declared =
      resolveCharset(charsetFromContentType(contentType)) ?? resolveCharset(charsetFromXmlDeclaration(bytes));
    const charset = chooseCharset(declared, censusUtf8(bytes), bytes);
    text = iconv.decode(bytes, charset, { stripBOM: true });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return dropDeclaredEncoding(text);
}
