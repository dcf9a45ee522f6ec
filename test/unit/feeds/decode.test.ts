import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { charsetFromContentType, decodeFeedBytes } from "../../../src/feeds/decode.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const wild = path.resolve(repoRoot, "../shared/corpora/feeds-wild");
const corpusFile = (relative: string) => readFileSync(path.join(wild, relative));

const rss = (declaration: string, title: string) =>
  `<?xml version="1.0"${declaration}?>\n<rss version="2.0"><channel><title>${title}</title></channel></rss>`;

describe("decodeFeedBytes: byte-order marks and UTF-16/32", () => {
  const text = rss("", "Пхеньян 평양");

  it.each([
    ["UTF-8 BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")])],
    ["UTF-16LE BOM", Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, "utf-16le")])],
    ["UTF-16BE BOM", Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, "utf-16be")])],
    ["UTF-32LE BOM", Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), iconv.encode(text, "utf-32le")])],
    ["UTF-32BE BOM", Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), iconv.encode(text, "utf-32be")])],
    ["UTF-16LE without BOM", iconv.encode(text, "utf-16le")],
    ["UTF-16BE without BOM", iconv.encode(text, "utf-16be")],
    ["UTF-32BE without BOM", iconv.encode(text, "utf-32be")],
  ])("reads %s and leaves no BOM", (_name, bytes) => {
    const decoded = decodeFeedBytes(bytes);
    expect(decoded.charCodeAt(0)).not.toBe(0xfeff);
    expect(decoded).toBe(text);
  });

  it("recognises UTF-16 without a BOM when the document starts with white space", () => {
    expect(decodeFeedBytes(iconv.encode(`\n  ${text}`, "utf-16le"))).toBe(`\n  ${text}`);
    expect(decodeFeedBytes(iconv.encode(`\n  ${text}`, "utf-16be"))).toBe(`\n  ${text}`);
  });

  it("a BOM beats a header that says otherwise", () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, "utf-16le")]);
    expect(decodeFeedBytes(bytes, "text/xml; charset=iso-8859-1")).toBe(text);
  });
});

describe("decodeFeedBytes: which charset label wins", () => {
  it("uses the Content-Type charset before the XML declaration", () => {
    const bytes = iconv.encode(rss(' encoding="iso-8859-1"', "Лавров в Пхеньяне"), "windows-1251");
    expect(decodeFeedBytes(bytes, 'application/rss+xml; charset="windows-1251"')).toContain(
      "Лавров в Пхеньяне",
    );
  });

  it("uses the XML declaration without a header charset", () => {
    const bytes = iconv.encode(rss(' encoding="KOI8-R"', "Лавров в Пхеньяне"), "koi8-r");
    expect(decodeFeedBytes(bytes, "text/xml")).toContain("Лавров в Пхеньяне");
  });

  it("falls back to the declaration when the header names an unknown charset", () => {
    const bytes = iconv.encode(rss(' encoding="windows-1251"', "Кремль"), "windows-1251");
    expect(decodeFeedBytes(bytes, "text/xml; charset=x-no-such-charset")).toContain("Кремль");
  });

  it("reads ISO-8859-1 as windows-1252, as browsers do (smart quotes survive)", () => {
    const body = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>'),
      Buffer.from([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94]),
      Buffer.from("</title></channel></rss>"),
    ]);
    expect(decodeFeedBytes(body)).toContain("\u201cCafé\u201d");
  });

  it("removes the declaration's encoding and keeps its version", () => {
    const bytes = iconv.encode(rss(' encoding="windows-1251" standalone="yes"', "Кремль"), "windows-1251");
    const decoded = decodeFeedBytes(bytes);
    expect(decoded.startsWith('<?xml version="1.0" standalone="yes"?>')).toBe(true);
    expect(decoded).not.toMatch(/encoding=/);
  });

  it("defaults to UTF-8", () => {
    expect(decodeFeedBytes(Buffer.from(rss("", "북한"), "utf8"))).toContain("북한");
  });

  it("gunzips a gzip body before decoding", () => {
    const bytes = gzipSync(iconv.encode(rss(' encoding="windows-1251"', "Кремль"), "windows-1251"));
    expect(decodeFeedBytes(bytes)).toContain("Кремль");
  });

  it("refuses a gzip body that inflates past the limit", () => {
    const bytes = gzipSync(Buffer.alloc(100_000, 0x20));
    expect(() => decodeFeedBytes(bytes, undefined, 10_000)).toThrow(
      expect.objectContaining({ code: "NW_FEED_TOO_LARGE" }),
    );
  });
});

describe("decodeFeedBytes: labels that lie", () => {
  it("reads valid multi-byte UTF-8 as UTF-8 even under an ISO-8859-1 prolog", () => {
    expect(decodeFeedBytes(corpusFile("miniflux/encoding/utf8-incorrect-prolog.xml"))).toContain(
      "<title>테스트 피드</title>",
    );
  });

  it("reads valid UTF-8 as UTF-8 under a windows-1252 prolog", () => {
    expect(decodeFeedBytes(corpusFile("miniflux/encoding/windows-1252-incorrect-prolog.xml"))).toContain(
      "Euro €<",
    );
  });

  it("still reads real windows-1252 under its own prolog", () => {
    expect(decodeFeedBytes(corpusFile("miniflux/encoding/windows-1252.xml"))).toContain("Euro €<");
  });

  it("reads Latin-1 bytes labelled UTF-8 as windows-1252 rather than as replacement characters", () => {
    const decoded = decodeFeedBytes(corpusFile("miniflux/xml/iso88591_utf8_mismatch.xml"));
    expect(decoded).toContain("<to>Anaïs</to>");
    expect(decoded).toContain("<from>Jürgen</from>");
  });

  it("ignores a prolog naming a charset that does not exist", () => {
    expect(decodeFeedBytes(corpusFile("miniflux/encoding/invalid-prolog.xml"))).toContain(
      "<title>테스트 피드</title>",
    );
  });

  it("ignores a UTF-16 header on a document that is plainly 8-bit", () => {
    expect(decodeFeedBytes(Buffer.from(rss("", "Kim"), "utf8"), "text/xml; charset=utf-16")).toContain(
      "<title>Kim</title>",
    );
  });
});

describe("decodeFeedBytes: real feeds", () => {
  it.each([
    ["miniflux/encoding/koi8r.xml", undefined, "<title>Пример RSS ленты</title>"],
    [
      "miniflux/parser/encoding_WINDOWS-1251.xml",
      undefined,
      "<description>Новый цитатник Рунета</description>",
    ],
    ["node-feedparser/iconv.xml", undefined, "Новости Оренбурга и области / Раздел Новости"],
    ["node-feedparser/compressed.xml", undefined, "Новости Оренбурга и области / Раздел Новости"],
    ["rss-parser/input/encoding.rss", undefined, "<title>Jornal de Notícias - Últimas Notícias</title>"],
    ["rss-parser/input-other-refs/latin2.rss", undefined, "ŻÓŁĆ"],
    ["rss-parser/input-other-refs/encoding-gb2312.xml", undefined, "互联网"],
    ["feedparser/encoding/euc-kr.xml", undefined, "년"],
    ["feedparser/encoding/euc-kr-item.xml", undefined, "<description>년</description>"],
    [
      "feedparser/encoding/http_text_xml_charset_2.xml",
      "text/xml; charset=windows-1252",
      "<description>This is a £“test.”</description>",
    ],
    [
      "feedparser/illformed/chardet/shiftjis.xml",
      "text/xml; charset=Shift_JIS",
      "<title>DrecomRSSに記事投稿が反映されない…</title>",
    ],
    ["feedparser/illformed/chardet/eucjp.xml", "text/xml; charset=EUC-JP", "<title>ゲーム三昧な正月</title>"],
    [
      "feedparser/illformed/chardet/euckr.xml",
      "text/xml; charset=euc-kr",
      "EUC-KR 에서 TypeKey 한글닉네임 표시하기",
    ],
    ["feedparser/illformed/chardet/gb2312.xml", "text/xml; charset=gb2312", "不归移民漫画系列：专业工作"],
    ["feedparser/illformed/chardet/koi8r.xml", "text/xml; charset=koi8-r", "Как пережить новогоднюю ночь"],
    [
      "feedparser/illformed/chardet/tis620.xml",
      "text/xml; charset=TIS-620",
      "สำนักงานส่งเสริมอุตสาหกรรมซอฟต์แวร์แห่งชาติ",
    ],
  ])("%s", (file, contentType, expected) => {
    expect(decodeFeedBytes(corpusFile(file), contentType)).toContain(expected);
  });
});

describe("decodeFeedBytes: unlabelled bytes that are not UTF-8", () => {
  it.each([
    ["big5.xml", "我希望"],
    ["eucjp.xml", "<title>ゲーム三昧な正月</title>"],
    ["euckr.xml", "EUC-KR 에서 TypeKey 한글닉네임 표시하기"],
    ["gb2312.xml", "不归移民漫画系列：专业工作"],
    ["koi8r.xml", "Как пережить новогоднюю ночь"],
    ["shiftjis.xml", "DrecomRSSに記事投稿が反映されない…"],
    ["tis620.xml", "สำนักงานส่งเสริมอุตสาหกรรมซอฟต์แวร์แห่งชาติ"],
    ["windows1255.xml", "האם תדפיס נייר של אתר אינטרנט"],
  ])("recognises feedparser's chardet sample %s", (file, expected) => {
    expect(decodeFeedBytes(corpusFile(`feedparser/illformed/chardet/${file}`))).toContain(expected);
  });

  it.each([
    ["windows-1251", "Посол заявил, что переговоры о поставках продолжатся на следующей неделе в Москве."],
    ["koi8-r", "Посол заявил, что переговоры о поставках продолжатся на следующей неделе в Москве."],
    [
      "windows-1252",
      "Die Regierung kündigte weitere Maßnahmen gegen Unternehmen an, die Sanktionen umgehen.",
    ],
    ["cp949", "정부는 제재를 피하는 기업에 대해 추가 조치를 발표했다."],
    ["gb18030", "政府宣布对规避制裁的企业采取进一步措施。"],
    ["big5", "政府宣布對規避制裁的企業採取進一步措施。"],
    ["shift_jis", "政府は制裁を逃れる企業に対する追加措置を発表した。"],
    ["euc-jp", "政府は制裁を逃れる企業に対する追加措置を発表した。"],
  ])("recognises %s text", (charset, text) => {
    const body = Buffer.concat([
      Buffer.from('<rss version="2.0"><channel><title>'),
      iconv.encode(text, charset),
      Buffer.from("</title></channel></rss>"),
    ]);
    expect(decodeFeedBytes(body)).toContain(text);
  });
});

describe("charsetFromContentType", () => {
  it.each([
    ["text/xml; charset=windows-1251", "windows-1251"],
    ["application/rss+xml;charset='us-ascii'", "us-ascii"],
    ['application/xml; charset= "gb2312"', "gb2312"],
    ["text/xml;charset = us-ascii", "us-ascii"],
    ["text/xml; charset:iso-8859-1", undefined],
    ["text/xml", undefined],
    [undefined, undefined],
  ])("%s → %s", (header, expected) => {
    expect(charsetFromContentType(header)).toBe(expected);
  });
});
