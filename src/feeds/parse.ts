// Feed text → ParsedFeed. rss-parser (over xml2js) reads RSS 0.9x/1.0/2.0 and Atom; JSON Feed is read
// directly. A document that fails the strict parse is repaired once and parsed again; whatever still
// fails becomes NW_FEED_UNPARSEABLE or NW_FEED_NOT_A_FEED naming the feed, never another exception.

import Parser from "rss-parser";
import { NewswatchError } from "../errors.js";
import { looksLikeJson, parseJsonFeed } from "./json-feed.js";
import { repairFeedXml } from "./repair.js";
import type { ParsedFeed, RawItem, RawMedia } from "./types.js";

/** An element as xml2js gives it: bare text, or an object with text `_`, attributes `$` and children. */
type XmlNode = string | XmlElement;
interface XmlElement {
  _?: string;
  $?: Record<string, string>;
  [child: string]: XmlNode[] | string | Record<string, string> | undefined;
}
type XmlList = XmlNode[] | undefined;

type ItemFields = {
  nwTitle?: XmlList;
  nwDcTitle?: XmlList;
  nwDcDescription?: XmlList;
  nwLink?: XmlList;
  nwAtomLink?: XmlList;
  nwGuid?: XmlList;
  nwId?: XmlList;
  nwDescription?: XmlList;
  nwContentEncoded?: XmlList;
  nwXhtmlBody?: XmlList;
  nwBody?: XmlList;
  nwFullItem?: XmlList;
  nwDcAuthor?: XmlList;
  nwContent?: XmlList;
  nwSummary?: XmlList;
  nwPubDate?: XmlList;
  nwPublished?: XmlList;
  nwUpdated?: XmlList;
  nwIssued?: XmlList;
  nwModified?: XmlList;
  nwCreated?: XmlList;
  nwDcDate?: XmlList;
  nwDcCreator?: XmlList;
  nwAuthor?: XmlList;
  nwDcLanguage?: XmlList;
  nwLanguage?: XmlList;
  nwCategory?: XmlList;
  nwDcSubject?: XmlList;
  nwMediaContent?: XmlList;
  nwMediaThumbnail?: XmlList;
  nwMediaGroup?: XmlList;
  nwEnclosure?: XmlList;
  nwAttributes?: Record<string, string>;
  "rdf:about"?: string;
};

type FeedFields = {
  nwTitle?: XmlList;
  nwLinks?: XmlList;
  nwLanguage?: XmlList;
  nwDcLanguage?: XmlList;
  nwAttributes?: Record<string, string>;
};

const raw = (name: string, as: string) => [name, as, { keepArray: true }];

const ITEM_FIELDS = [
  raw("title", "nwTitle"),
  raw("dc:title", "nwDcTitle"),
  raw("dc:description", "nwDcDescription"),
  raw("link", "nwLink"),
  raw("atom:link", "nwAtomLink"),
  raw("guid", "nwGuid"),
  raw("id", "nwId"),
  raw("description", "nwDescription"),
  raw("content:encoded", "nwContentEncoded"),
  raw("xhtml:body", "nwXhtmlBody"),
  raw("body", "nwBody"),
  raw("fullitem", "nwFullItem"),
  raw("dc:author", "nwDcAuthor"),
  raw("content", "nwContent"),
  raw("summary", "nwSummary"),
  raw("pubDate", "nwPubDate"),
  raw("published", "nwPublished"),
  raw("updated", "nwUpdated"),
  raw("issued", "nwIssued"),
  raw("modified", "nwModified"),
  raw("created", "nwCreated"),
  raw("dc:date", "nwDcDate"),
  raw("dc:creator", "nwDcCreator"),
  raw("author", "nwAuthor"),
  raw("dc:language", "nwDcLanguage"),
  raw("language", "nwLanguage"),
  raw("category", "nwCategory"),
  raw("dc:subject", "nwDcSubject"),
  raw("media:content", "nwMediaContent"),
  raw("media:thumbnail", "nwMediaThumbnail"),
  raw("media:group", "nwMediaGroup"),
  raw("enclosure", "nwEnclosure"),
  raw("$", "nwAttributes"),
];

const FEED_FIELDS = [
  raw("title", "nwTitle"),
  raw("link", "nwLinks"),
  raw("language", "nwLanguage"),
  raw("dc:language", "nwDcLanguage"),
  raw("$", "nwAttributes"),
];

type RssParserItem = ItemFields & Record<string, unknown>;
type RssParserFeed = FeedFields & { items: RssParserItem[] };

interface RssParserInternals {
  parseItemAtom(this: unknown, entry: XmlElement): RssParserItem;
  buildAtomFeed(this: unknown, root: Record<string, unknown>): RssParserFeed;
  buildRSS2(this: unknown, root: Record<string, unknown>): RssParserFeed;
  buildRSS0_9(this: unknown, root: Record<string, unknown>): RssParserFeed;
  buildRSS1(this: unknown, root: Record<string, unknown>): RssParserFeed;
}

const internals = Parser.prototype as unknown as RssParserInternals;

function asElement(node: unknown): XmlElement {
  return typeof node === "object" && node !== null && !Array.isArray(node) ? (node as XmlElement) : {};
}

/** Atom links are read as `links[i].$.href`; a bare `<link>url</link>` has no `$` and would crash. */
function withLinkAttributes(links: unknown): XmlNode[] | undefined {
  if (!Array.isArray(links)) return undefined;
  return links.map((link: XmlNode): XmlNode => {
    if (typeof link === "string") return { $: { href: link.trim() } };
    return link.$ === undefined ? { ...link, $: {} } : link;
  });
}

/**
 * The root's channel as an object, so rss-parser's `channel[0]` never reads from nothing, with the
 * items where rss-parser looks for them: inside `<channel>` for RSS 0.9x/2.0, beside it for RDF.
 * Sloppy feeds put them on the other side.
 */
function withChannel(root: unknown, itemsBesideChannel: boolean): XmlElement {
  const element = { ...asElement(root) };
  const channel = { ...asElement(Array.isArray(element.channel) ? element.channel[0] : undefined) };
  if (itemsBesideChannel && element.item === undefined && channel.item !== undefined)
    element.item = channel.item;
  if (!itemsBesideChannel && channel.item === undefined && element.item !== undefined)
    channel.item = element.item;
  return { ...element, channel: [channel] };
}

/**
 * rss-parser 3.13 crashes on documents it could simply call empty: `<rss>` without `<channel>`,
 * Atom `<link>` without attributes, Atom dates `new Date()` cannot read (`toISOString` throws). These
 * overrides hand it well-shaped input; dates are read by our own dates.ts from the raw fields.
 */
class TolerantParser extends Parser<FeedFields, ItemFields> {
  parseItemAtom(entry: unknown): RssParserItem {
    const element = asElement(entry);
    const { published, updated, link, ...rest } = element;
    const shaped: XmlElement = { ...rest };
    const links = withLinkAttributes(link);
    if (links !== undefined) shaped.link = links;
    const item = internals.parseItemAtom.call(this, shaped);
    if (Array.isArray(published)) item.nwPublished = published;
    if (Array.isArray(updated)) item.nwUpdated = updated;
    return item;
  }

  buildAtomFeed(root: Record<string, unknown>): RssParserFeed {
    const feed = { ...asElement(root.feed) };
    const links = withLinkAttributes(feed.link);
    if (links !== undefined) feed.link = links;
    return internals.buildAtomFeed.call(this, { ...root, feed });
  }

  buildRSS2(root: Record<string, unknown>): RssParserFeed {
    return internals.buildRSS2.call(this, { ...root, rss: withChannel(root.rss, false) });
  }

  buildRSS0_9(root: Record<string, unknown>): RssParserFeed {
    return internals.buildRSS0_9.call(this, { ...root, rss: withChannel(root.rss, false) });
  }

  buildRSS1(root: Record<string, unknown>): RssParserFeed {
    return internals.buildRSS1.call(this, { ...root, "rdf:RDF": withChannel(root["rdf:RDF"], true) });
  }
}

function newParser(): TolerantParser {
  // One parser per document: xml2js keeps state between parses.
  return new TolerantParser({
    defaultRSS: 2,
    customFields: {
      feed: FEED_FIELDS as unknown as Array<keyof FeedFields>,
      item: ITEM_FIELDS as unknown as Array<keyof ItemFields>,
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Reading xml2js nodes

function attributesOf(node: XmlNode | undefined): Record<string, string> {
  return typeof node === "object" && node.$ !== undefined ? node.$ : {};
}

/** All the text of a node and its descendants (xml2js keeps no order between text and children). */
function textOf(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === "string") return node;
  const parts: string[] = [];
  if (typeof node._ === "string") parts.push(node._);
  for (const [key, value] of Object.entries(node)) {
    if (key === "_" || key === "$" || !Array.isArray(value)) continue;
    for (const child of value) {
      const text = textOf(child);
      if (text !== undefined) parts.push(text);
    }
  }
  return parts.join(" ");
}

function nonEmpty(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return trimmed === "" ? undefined : trimmed;
}

function firstText(list: XmlList): string | undefined {
  for (const node of list ?? []) {
    const text = nonEmpty(textOf(node));
    if (text !== undefined) return text;
  }
  return undefined;
}

function escapeText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function escapeAttribute(text: string): string {
  return escapeText(text).replaceAll('"', "&quot;");
}

/** Markup for an element that arrived as children (XHTML content, unescaped HTML in a description). */
function serialiseElement(name: string, node: XmlNode): string {
  if (typeof node === "string") return `<${name}>${escapeText(node)}</${name}>`;
  const attributes = Object.entries(node.$ ?? {})
    .map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`)
    .join("");
  return `<${name}${attributes}>${serialiseChildren(node)}</${name}>`;
}

function serialiseChildren(node: XmlElement): string {
  const parts: string[] = [];
  if (typeof node._ === "string") parts.push(escapeText(node._));
  for (const [key, value] of Object.entries(node)) {
    if (key === "_" || key === "$" || !Array.isArray(value)) continue;
    for (const child of value) parts.push(serialiseElement(key, child));
  }
  return parts.join("");
}

/** Atom carries other media types (and Atom 0.3 `mode="base64"`) base64-encoded. */
function isBase64(type: string, mode: string): boolean {
  if (mode === "base64") return true;
  if (!type.includes("/")) return false;
  return !type.startsWith("text/") && !type.endsWith("+xml") && !type.endsWith("/xml");
}

/**
 * HTML of a content-like element (title, summary, content). Text-typed content (`type="text"`) is
 * escaped so that its `<` stays text; XHTML children are serialised back into markup.
 */
function htmlOf(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === "string") return nonEmpty(node);
  const type = (node.$?.type ?? "").toLowerCase();
  const mode = (node.$?.mode ?? "").toLowerCase();
  const hasChildren = Object.entries(node).some(
    ([key, value]) => key !== "_" && key !== "$" && Array.isArray(value),
  );
  if (!hasChildren) {
    const text = nonEmpty(node._);
    if (text === undefined) return undefined;
    if (isBase64(type, mode)) return nonEmpty(Buffer.from(text, "base64").toString("utf8"));
    return type === "text" || type === "text/plain" ? escapeText(text) : text;
  }
  return nonEmpty(serialiseChildren(node));
}

function firstHtml(list: XmlList): string | undefined {
  for (const node of list ?? []) {
    const html = htmlOf(node);
    if (html !== undefined) return html;
  }
  return undefined;
}

function resolveUrl(url: string | undefined, base: string | undefined): string | undefined {
  const trimmed = nonEmpty(url);
  if (trimmed === undefined) return undefined;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return trimmed;
  }
}

/** xml:base resolves against the base in force, which itself may be relative. */
function baseWith(base: string | undefined, attributes: Record<string, string>): string | undefined {
  const xmlBase = meaningfulBase(attributes);
  return xmlBase === undefined ? base : (resolveUrl(xmlBase, base) ?? base);
}

/** An empty or fragment-only xml:base names the document itself, which says nothing about links. */
function meaningfulBase(attributes: Record<string, string>): string | undefined {
  const xmlBase = attributes["xml:base"]?.trim();
  return xmlBase === undefined || xmlBase === "" || xmlBase.startsWith("#") ? undefined : xmlBase;
}

function isHtmlType(type: string | undefined): boolean {
  return type === undefined || type === "" || /html/i.test(type);
}

/** The alternate HTML link of an Atom-style link list, else the first link with an href. */
function alternateLink(list: XmlList, base: string | undefined): string | undefined {
  const links = (list ?? []).map((node) => ({ node, attributes: attributesOf(node) }));
  const withHref = links.filter(
    ({ node, attributes }) => nonEmpty(attributes.href ?? textOf(node)) !== undefined,
  );
  const preferred =
    withHref.find(
      ({ attributes }) =>
        (attributes.rel === undefined || attributes.rel === "alternate") && isHtmlType(attributes.type),
    ) ??
    withHref.find(({ attributes }) => attributes.rel === undefined || attributes.rel === "alternate") ??
    withHref.find(({ attributes }) => attributes.rel !== "self" && attributes.rel !== "enclosure") ??
    withHref[0];
  if (preferred === undefined) return undefined;
  const href = preferred.attributes.href ?? textOf(preferred.node);
  return resolveUrl(href, baseWith(base, preferred.attributes));
}

function mediaFromContent(node: XmlNode, base: string | undefined): RawMedia | undefined {
  const attributes = attributesOf(node);
  const url = resolveUrl(attributes.url, base);
  if (url === undefined) return undefined;
  const element = asElement(node);
  const media: RawMedia = { url };
  if (attributes.type !== undefined) media.type = attributes.type;
  if (attributes.medium !== undefined) media.medium = attributes.medium;
  const title = firstText(element["media:title"] as XmlList);
  if (title !== undefined) media.title = title;
  const thumbnail = (element["media:thumbnail"] as XmlList)?.[0];
  const thumbnailUrl = resolveUrl(attributesOf(thumbnail).url, base);
  if (thumbnailUrl !== undefined) media.thumbnail = thumbnailUrl;
  return media;
}

function mediaOf(item: RssParserItem, base: string | undefined): RawMedia[] {
  const media: RawMedia[] = [];
  const contents = [...(item.nwMediaContent ?? [])];
  for (const group of item.nwMediaGroup ?? [])
    contents.push(...((asElement(group)["media:content"] as XmlList) ?? []));
  for (const node of contents) {
    const entry = mediaFromContent(node, base);
    if (entry !== undefined) media.push(entry);
  }
  for (const node of item.nwMediaThumbnail ?? []) {
    const url = resolveUrl(attributesOf(node).url, base);
    if (url !== undefined) media.push({ url, medium: "image" });
  }
  for (const node of item.nwEnclosure ?? []) {
    const attributes = attributesOf(node);
    const url = resolveUrl(attributes.url, base);
    if (url === undefined) continue;
    media.push(attributes.type === undefined ? { url } : { url, type: attributes.type });
  }
  const seen = new Set<string>();
  return media.filter((entry) => !seen.has(entry.url) && seen.add(entry.url) !== undefined);
}

function categoriesOf(item: RssParserItem): string[] {
  const categories: string[] = [];
  for (const node of [...(item.nwCategory ?? []), ...(item.nwDcSubject ?? [])]) {
    const attributes = attributesOf(node);
    const name = nonEmpty(attributes.label) ?? nonEmpty(attributes.term) ?? nonEmpty(textOf(node));
    if (name !== undefined && !categories.includes(name)) categories.push(name);
  }
  return categories;
}

function authorOf(item: RssParserItem): string | undefined {
  const creator = firstText(item.nwDcCreator) ?? firstText(item.nwDcAuthor);
  if (creator !== undefined) return creator;
  for (const node of item.nwAuthor ?? []) {
    const element = asElement(node);
    const name = Array.isArray(element.name) ? firstText(element.name as XmlNode[]) : undefined;
    const text = name ?? nonEmpty(textOf(node));
    if (text !== undefined) return text;
  }
  return undefined;
}

type FeedFormat = "rss" | "atom" | "rdf";

function rawItemOf(
  item: RssParserItem,
  format: FeedFormat,
  feedBase: string | undefined,
  feedLanguage: string | undefined,
): RawItem {
  const attributes = item.nwAttributes ?? {};
  const base = baseWith(feedBase, attributes);
  const result: RawItem = { categories: categoriesOf(item), media: mediaOf(item, base) };

  const guidNode = item.nwGuid?.[0];
  const guid = nonEmpty(textOf(guidNode)) ?? firstText(item.nwId) ?? nonEmpty(item["rdf:about"]);

  let link: string | undefined;
  if (format === "atom") {
    link = alternateLink(item.nwLink, base);
  } else {
    const rssLink = (item.nwLink ?? []).find(
      (node) => nonEmpty(textOf(node) ?? attributesOf(node).href) !== undefined,
    );
    link =
      resolveUrl(nonEmpty(textOf(rssLink)) ?? attributesOf(rssLink).href, base) ??
      alternateLink(item.nwAtomLink, base);
    const permalink = attributesOf(guidNode).isPermaLink?.toLowerCase() !== "false";
    if (link === undefined && guid !== undefined && permalink && /^https?:\/\//i.test(guid)) link = guid;
    const about = item["rdf:about"];
    if (link === undefined && about !== undefined && /^https?:\/\//i.test(about)) link = about;
  }

  const title = firstHtml(item.nwTitle) ?? firstHtml(item.nwDcTitle);
  // Before content:encoded won, RSS carried full content as xhtml:body or fullitem.
  const content =
    format === "atom"
      ? firstHtml(item.nwContent)
      : (firstHtml(item.nwContentEncoded) ??
        firstHtml(item.nwXhtmlBody) ??
        firstHtml(item.nwBody) ??
        firstHtml(item.nwFullItem));
  const summary =
    format === "atom"
      ? firstHtml(item.nwSummary)
      : (firstHtml(item.nwDescription) ?? firstHtml(item.nwSummary) ?? firstHtml(item.nwDcDescription));
  const pubDate = firstText(item.nwPubDate);
  const published = firstText(item.nwPublished) ?? firstText(item.nwIssued) ?? firstText(item.nwCreated);
  const updated = firstText(item.nwUpdated) ?? firstText(item.nwModified);
  const dcDate = firstText(item.nwDcDate);
  const author = authorOf(item);
  const language =
    firstText(item.nwDcLanguage) ??
    firstText(item.nwLanguage) ??
    nonEmpty(attributes["xml:lang"]) ??
    feedLanguage;

  if (guid !== undefined) result.guid = guid;
  if (link !== undefined) result.link = link;
  if (title !== undefined) result.title = title;
  if (content !== undefined) result.content = content;
  if (summary !== undefined) result.summary = summary;
  if (pubDate !== undefined) result.pubDate = pubDate;
  if (published !== undefined) result.published = published;
  if (updated !== undefined) result.updated = updated;
  if (dcDate !== undefined) result.dcDate = dcDate;
  if (author !== undefined) result.author = author;
  if (language !== undefined) result.language = language;
  return result;
}

// ---------------------------------------------------------------------------------------------
// The document as a whole

interface RootElement {
  name: string;
  attributes: Record<string, string>;
}

/** Where the prolog item (declaration, processing instruction, comment, DOCTYPE) at `start` ends, or -1. */
function prologItemEnd(text: string, start: number): number {
  if (text.startsWith("<?", start)) {
    const end = text.indexOf("?>", start + 2);
    return end === -1 ? -1 : end + 2;
  }
  if (text.startsWith("<!--", start)) {
    const end = text.indexOf("-->", start + 4);
    return end === -1 ? -1 : end + 3;
  }
  if (text.slice(start, start + 9).toUpperCase() === "<!DOCTYPE") {
    const close = text.indexOf(">", start);
    const bracket = text.indexOf("[", start);
    if (bracket === -1 || close === -1 || close < bracket) return close === -1 ? -1 : close + 1;
    const subsetEnd = /\]\s*>/g;
    subsetEnd.lastIndex = bracket;
    const match = subsetEnd.exec(text);
    return match === null ? -1 : match.index + match[0].length;
  }
  return start;
}

/** The document's root element, looked for after the prolog in the first 64 KB. */
function rootElementOf(xml: string): RootElement | undefined {
  const text = xml.slice(0, 65_536);
  let at = 0;
  for (;;) {
    while (at < text.length && /\s/.test(text[at]!)) at += 1;
    const next = prologItemEnd(text, at);
    if (next === -1) return undefined;
    if (next === at) break;
    at = next;
  }
  const end = text.indexOf(">", at);
  const name = /^<([A-Za-z_][-\w:.]*)/.exec(text.slice(at, at + 256));
  if (end === -1 || name === null) return undefined;
  const attributes: Record<string, string> = {};
  for (const attribute of text
    .slice(at + name[0].length, end)
    .matchAll(/([-\w:.]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes[attribute[1]!] = attribute[2] ?? attribute[3] ?? "";
  }
  return { name: name[1]!, attributes };
}

function looksLikeHtml(xml: string): boolean {
  return /<!DOCTYPE\s+html|<html[\s>]|<head[\s>]|<body[\s>]/i.test(xml.slice(0, 4096));
}

/** A feed saved inside an HTML page ("Save page as…"): the `<feed>`/`<rss>` element cut out of it. */
function embeddedFeedOf(html: string): string | undefined {
  const start = /<(rss|feed|rdf:RDF)[\s>]/.exec(html);
  if (start === null || start.index === 0) return undefined;
  const end = html.lastIndexOf(`</${start[1]}>`);
  if (end === -1) return undefined;
  return html.slice(start.index, end + start[1]!.length + 3);
}

function formatOf(rootName: string): FeedFormat | undefined {
  const local = rootName.includes(":") ? rootName.slice(rootName.indexOf(":") + 1) : rootName;
  if (rootName.toLowerCase() === "rss") return "rss";
  if (local === "feed") return "atom";
  if (local === "RDF") return "rdf";
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * rss-parser only knows `<feed>` and `<rdf:RDF>` by those exact names: a prefixed Atom root
 * (`<atom:feed xmlns:atom=…>`) loses its prefix, an RDF root gets the `rdf:` one, `<RSS>` becomes `<rss>`.
 */
function withRecognisedNames(
  xml: string,
  root: RootElement,
  format: FeedFormat,
): { xml: string; renamed: boolean } {
  const prefix = root.name.includes(":") ? root.name.slice(0, root.name.indexOf(":")) : undefined;
  if (format === "atom" && prefix !== undefined) {
    const tags = new RegExp(`<(/?)${escapeRegExp(prefix)}:`, "g");
    return { xml: xml.replace(tags, "<$1"), renamed: true };
  }
  if (format === "rdf" && root.name !== "rdf:RDF") {
    const tags = new RegExp(`<(/?)${escapeRegExp(root.name)}([\\s>/])`, "g");
    return { xml: xml.replace(tags, "<$1rdf:RDF$2"), renamed: true };
  }
  if (format === "rss" && root.name !== "rss") {
    const tags = new RegExp(`<(/?)${escapeRegExp(root.name)}([\\s>/])`, "g");
    return { xml: xml.replace(tags, "<$1rss$2"), renamed: true };
  }
  return { xml, renamed: false };
}

function parserMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, ", ").trim();
}

function unparseable(feedUrl: string, err: unknown): NewswatchError {
  return new NewswatchError("NW_FEED_UNPARSEABLE", `${feedUrl}: cannot parse feed: ${parserMessage(err)}`, {
    cause: err,
  });
}

function notAFeed(feedUrl: string, why: string): NewswatchError {
  return new NewswatchError("NW_FEED_NOT_A_FEED", `${feedUrl}: not a feed: ${why}`);
}

/**
 * Item links resolve against xml:base where the feed sets one; otherwise against the site's own link
 * (as Miniflux does: feeds served from a feed host still link relative to the site), else the feed URL.
 */
function feedOf(parsed: RssParserFeed, format: FeedFormat, root: RootElement, feedUrl: string): ParsedFeed {
  const feedAttributes = format === "atom" ? {} : (parsed.nwAttributes ?? {});
  const documentBase = baseWith(baseWith(feedUrl, root.attributes), feedAttributes);
  const link =
    format === "atom"
      ? alternateLink(parsed.nwLinks, documentBase)
      : resolveUrl(firstText(parsed.nwLinks) ?? attributesOf(parsed.nwLinks?.[0]).href, documentBase);
  const hasXmlBase =
    meaningfulBase(root.attributes) !== undefined || meaningfulBase(feedAttributes) !== undefined;
  const siteLink = link !== undefined && /^https?:\/\//i.test(link) ? link : undefined;
  const itemBase = hasXmlBase ? documentBase : (siteLink ?? documentBase);
  const language =
    firstText(parsed.nwLanguage) ??
    firstText(parsed.nwDcLanguage) ??
    nonEmpty(feedAttributes["xml:lang"]) ??
    nonEmpty(root.attributes["xml:lang"]);
  const feed: ParsedFeed = {
    items: (parsed.items ?? []).map((item) =>
      rawItemOf(asElement(item) as RssParserItem, format, itemBase, language),
    ),
  };
  const title = firstText(parsed.nwTitle);
  if (title !== undefined) feed.title = title;
  if (link !== undefined) feed.link = link;
  if (language !== undefined) feed.language = language;
  return feed;
}

async function parseXmlFeed(xml: string, feedUrl: string): Promise<ParsedFeed> {
  let root = rootElementOf(xml);
  let repaired: { xml: string; repairs: string[] } | undefined;
  if (root === undefined) {
    repaired = repairFeedXml(xml);
    root = rootElementOf(repaired.xml);
  }
  if (root === undefined || root.name.toLowerCase() === "html") {
    const embedded = embeddedFeedOf(xml);
    if (embedded !== undefined) {
      const feed = await parseXmlFeed(embedded, feedUrl);
      feed.repairs = ["feed-inside-html", ...(feed.repairs ?? [])];
      return feed;
    }
    if (looksLikeHtml(xml)) throw notAFeed(feedUrl, "the document is an HTML page");
    if (root === undefined) throw unparseable(feedUrl, new Error("no XML root element found"));
  }
  const format = formatOf(root.name);
  if (format === undefined) {
    throw notAFeed(feedUrl, `root element <${root.name}> is not RSS, Atom or RDF`);
  }

  const renamed = withRecognisedNames(xml, root, format);
  let firstError: unknown;
  try {
    const parsed = (await newParser().parseString(renamed.xml)) as unknown as RssParserFeed;
    const feed = feedOf(parsed, format, root, feedUrl);
    if (renamed.renamed) feed.repairs = ["namespace-prefix"];
    return feed;
  } catch (err) {
    firstError = err;
  }
  const second =
    repaired === undefined
      ? repairFeedXml(renamed.xml)
      : { xml: withRecognisedNames(repaired.xml, root, format).xml, repairs: repaired.repairs };
  try {
    const parsed = (await newParser().parseString(second.xml)) as unknown as RssParserFeed;
    const feed = feedOf(parsed, format, root, feedUrl);
    feed.repairs = renamed.renamed ? ["namespace-prefix", ...second.repairs] : second.repairs;
    return feed;
  } catch {
    throw unparseable(feedUrl, firstError);
  }
}

/**
 * Parses feed text (already decoded: see decodeFeedBytes) into a ParsedFeed of raw items, with links
 * resolved against xml:base and the feed URL. Throws only NewswatchError: NW_FEED_NOT_A_FEED for an
 * HTML page or a document of another kind, NW_FEED_UNPARSEABLE (with the parser's message) otherwise.
 */
export async function parseFeed(xml: string, feedUrl: string): Promise<ParsedFeed> {
  try {
    const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
    if (looksLikeJson(text)) return parseJsonFeed(text, feedUrl);
    return await parseXmlFeed(text, feedUrl);
  } catch (err) {
    if (err instanceof NewswatchError) throw err;
    throw unparseable(feedUrl, err);
  }
}
