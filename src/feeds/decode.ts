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

/** Byte-order marks, and the UTF-16/32 patterns of a document that starts with `<` but has no BOM. */
function sniffUnicode(body: Buffer): Sniffed | undefined {
  const [b0, b1, b2, b3] = [body[0], body[1], body[2], body[3]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { charset: UTF8, bomLength: 3 };
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff) return { charset: "utf-32be", bomLength: 4 };
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return { charset: "utf-32le", bomLength: 4 };
  if (b0 === 0xfe && b1 === 0xff) return { charset: "utf-16be", bomLength: 2 };
  if (b0 === 0xff && b1 === 0xfe) return { charset: "utf-16le", bomLength: 2 };
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0x00 && b3 === 0x3c) return { charset: "utf-32be", bomLength: 0 };
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x00 && b3 === 0x00) return { charset: "utf-32le", bomLength: 0 };
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00) return { charset: "utf-16be", bomLength: 0 };
  if (b0 === 0x3c && b1 === 0x00 && b2 !== 0x00 && b3 === 0x00) return { charset: "utf-16le", bomLength: 0 };
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

/**
 * Chooses between what the feed declared and what the bytes are. Valid UTF-8 with multi-byte
 * characters is UTF-8 whatever the label says (a single-byte reading would be mojibake); bytes that
 * are not UTF-8 under a UTF-8 label (or none) are read as windows-1252, unless most of them are
 * UTF-8 and only a few are broken.
 */
function chooseCharset(declared: Charset | undefined, census: Utf8Census): Charset {
  const looksUtf8 = census.multibyte > 0 && census.invalid === 0;
  if (declared !== undefined && !isUtf8(declared)) {
    if (looksUtf8 || isUtf16Or32(declared)) return UTF8;
    return declared;
  }
  if (census.invalid > 0 && census.invalid >= census.multibyte) return "windows-1252";
  return UTF8;
}

/** Removes the `encoding` pseudo-attribute so that nothing downstream decodes the text a second time. */
function dropDeclaredEncoding(text: string): string {
  return text.replace(/^(\s*<\?xml\s[^>]*?)\s+encoding\s*=\s*(["'])[^"']*\2/i, "$1");
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
    const charset = chooseCharset(declared, censusUtf8(bytes));
    text = iconv.decode(bytes, charset, { stripBOM: true });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return dropDeclaredEncoding(text);
}
