// Repairs the defects that make real feeds fail a strict XML parser while a browser or feed reader
// shows them happily: BOMs, junk around the document, control characters, bare `&` and `<`, HTML
// entities, sloppy attributes, unbalanced or unclosed tags. Used only after a strict parse has failed,
// so it may be thorough; it says what it changed so the poller can log it.

import { decodeEntity } from "html-entities";

export interface RepairResult {
  xml: string;
  /** Names of the repairs made, each once, in the order first made. */
  repairs: string[];
}

const XML_ENTITIES = new Set(["amp", "lt", "gt", "quot", "apos"]);

/** HTML elements that never have content; unclosed in HTML, they must close themselves in XML. */
const VOID_ELEMENTS = new Set(["br", "hr", "img", "input", "wbr", "area", "col", "embed", "param", "track"]);

/** C0 controls other than tab/LF/CR, lone surrogates and U+FFFE/U+FFFF are not XML characters. */
const ILLEGAL_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const TAG_NAME = /^[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]*/;
const ATTRIBUTE = /([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?/g;

function isXmlCodePoint(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

function numericReferences(text: string): string {
  return [...text].map((char) => `&#${char.codePointAt(0)};`).join("");
}

/** `<!ENTITY name "value">` declarations of an internal DTD subset, which strict parsers do not expand. */
function declaredEntities(xml: string): Map<string, string> {
  const entities = new Map<string, string>();
  const doctype = /<!DOCTYPE[^[>]*\[([\s\S]*?)\]\s*>/i.exec(xml.slice(0, 100_000));
  if (doctype === null) return entities;
  const declaration = /<!ENTITY\s+([A-Za-z_][-\w.]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g;
  for (const match of doctype[1]!.matchAll(declaration)) {
    entities.set(match[1]!, match[2] ?? match[3] ?? "");
  }
  return entities;
}

class Repairer {
  private readonly out: string[] = [];
  private readonly stack: string[] = [];
  private readonly done: string[] = [];
  private rootClosed = false;
  private rootOpened = false;

  constructor(
    private readonly xml: string,
    private readonly entities: Map<string, string>,
  ) {}

  private readonly nextAt = new Map<string, number>();

  /**
   * indexOf that remembers its answers. The scan only moves forward, so a closer found at or after
   * `from` is still the next one, and one not found at all never will be: junk such as thousands of
   * unclosed `<?` costs one search, not one per occurrence.
   */
  find(needle: string, from: number): number {
    const known = this.nextAt.get(needle);
    if (known !== undefined && (known === -1 || known >= from)) return known;
    const found = this.xml.indexOf(needle, from);
    this.nextAt.set(needle, found);
    return found;
  }

  note(repair: string): void {
    if (!this.done.includes(repair)) this.done.push(repair);
  }

  get repairs(): string[] {
    return this.done;
  }

  /** Escapes bare `&`, `<` and `>`-free text; turns HTML and DTD entities into references XML knows. */
  fixText(text: string, inAttribute: boolean): string {
    let fixed = text.replace(
      /&(?:(#[0-9]{1,8};)|(#[xX][0-9A-Fa-f]{1,8};)|([A-Za-z][A-Za-z0-9._-]{0,40});)?/g,
      (whole, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
        if (decimal !== undefined || hex !== undefined) {
          const codePoint =
            decimal !== undefined
              ? Number.parseInt(decimal.slice(1), 10)
              : Number.parseInt(hex!.slice(2), 16);
          if (isXmlCodePoint(codePoint)) return whole;
          this.note("illegal-character-reference");
          return "";
        }
        if (name !== undefined) {
          if (XML_ENTITIES.has(name)) return whole;
          const declared = this.entities.get(name);
          if (declared !== undefined) {
            this.note("dtd-entity");
            return this.fixText(declared, inAttribute);
          }
          const decoded = decodeEntity(`&${name};`, { level: "html5" });
          if (decoded !== `&${name};`) {
            this.note("html-entity");
            return numericReferences(decoded);
          }
          this.note("unknown-entity");
          return `&amp;${name};`;
        }
        this.note("unescaped-ampersand");
        return "&amp;";
      },
    );
    if (fixed.includes("<")) {
      this.note("unescaped-less-than");
      fixed = fixed.replaceAll("<", "&lt;");
    }
    if (inAttribute && fixed.includes('"')) fixed = fixed.replaceAll('"', "&quot;");
    return fixed;
  }

  emitText(text: string): void {
    if (text === "") return;
    if (this.rootClosed || !this.rootOpened) {
      if (text.trim() !== "") {
        this.note(this.rootClosed ? "trailing-junk" : "leading-junk");
      }
      // Whitespace is allowed around the root; everything else there is junk.
      if (text.trim() === "") this.out.push(text);
      return;
    }
    this.out.push(this.fixText(text, false));
  }

  /** Rebuilds attributes with quoted, escaped values; `<option selected>` gets `selected="selected"`. */
  fixAttributes(source: string): string {
    const parts: string[] = [];
    const seen = new Set<string>();
    for (const match of source.matchAll(ATTRIBUTE)) {
      const name = match[1]!;
      if (!TAG_NAME.test(name) || TAG_NAME.exec(name)![0] !== name) {
        this.note("bad-attribute");
        continue;
      }
      if (seen.has(name)) {
        this.note("duplicate-attribute");
        continue;
      }
      seen.add(name);
      const raw = match[2];
      let value: string;
      if (raw === undefined) {
        this.note("attribute-without-value");
        value = name;
      } else if (raw.startsWith('"') || raw.startsWith("'")) {
        value = raw.slice(1, -1);
      } else {
        this.note("unquoted-attribute");
        value = raw;
      }
      parts.push(` ${name}="${this.fixText(value, true)}"`);
    }
    return parts.join("");
  }

  openTag(name: string, attributes: string, selfClosing: boolean): void {
    if (this.rootClosed) {
      this.note("trailing-junk");
      return;
    }
    const fixedAttributes = this.fixAttributes(attributes);
    const isVoid = !selfClosing && VOID_ELEMENTS.has(name.toLowerCase()) && this.rootOpened;
    if (isVoid) this.note("unclosed-void-element");
    this.rootOpened = true;
    if (selfClosing || isVoid) {
      this.out.push(`<${name}${fixedAttributes}/>`);
      if (this.stack.length === 0) this.rootClosed = true;
      return;
    }
    this.out.push(`<${name}${fixedAttributes}>`);
    this.stack.push(name);
  }

  closeTag(name: string): void {
    const depth = this.stack.lastIndexOf(name);
    if (depth === -1) {
      this.note("unmatched-close-tag");
      return;
    }
    if (depth !== this.stack.length - 1) this.note("unclosed-element");
    while (this.stack.length > depth) this.out.push(`</${this.stack.pop()}>`);
    if (this.stack.length === 0) this.rootClosed = true;
  }

  /** Finds the `>` that ends a tag starting at `start`, skipping quoted values; -1 if a `<` comes first. */
  tagEnd(start: number): number {
    let quote: string | undefined;
    for (let i = start + 1; i < this.xml.length; i += 1) {
      const char = this.xml[i]!;
      if (quote !== undefined) {
        if (char === quote) quote = undefined;
        else if (char === "<" || char === ">") {
          // A quote left open would swallow the document: give up on it at the first markup.
          if (this.find(quote, i) === -1) return -1;
        }
        continue;
      }
      if (char === '"' || char === "'") {
        const previous = this.xml.slice(start, i).trimEnd();
        if (previous.endsWith("=")) quote = char;
        continue;
      }
      if (char === ">") return i;
      if (char === "<") return -1;
    }
    return -1;
  }

  /** Copies a comment, CDATA section, processing instruction or DOCTYPE; returns the index after it. */
  passThrough(start: number, opener: string, closer: string, repairWhenUnclosed: string): number {
    const end = this.find(closer, start + opener.length);
    if (end === -1) {
      this.note(repairWhenUnclosed);
      return -1;
    }
    const chunk = this.xml.slice(start, end + closer.length);
    if (opener === "<![CDATA[" && (!this.rootOpened || this.rootClosed)) {
      this.note(this.rootClosed ? "trailing-junk" : "leading-junk");
    } else if (opener === "<!--" && chunk.slice(4, -3).includes("--")) {
      this.note("malformed-comment");
      this.out.push(`<!--${chunk.slice(4, -3).replaceAll("--", "- -")}-->`);
    } else {
      this.out.push(chunk);
    }
    return end + closer.length;
  }

  run(): string {
    const xml = this.xml;
    let i = 0;
    while (i < xml.length) {
      const lt = xml.indexOf("<", i);
      if (lt === -1) {
        this.emitText(xml.slice(i));
        break;
      }
      this.emitText(xml.slice(i, lt));
      i = this.markup(lt);
    }
    if (this.stack.length > 0) {
      this.note("unclosed-element");
      while (this.stack.length > 0) this.out.push(`</${this.stack.pop()}>`);
    }
    return this.out.join("");
  }

  /** Handles the markup at `lt`; returns the index to continue from. */
  markup(lt: number): number {
    const xml = this.xml;
    const rest = xml.slice(lt, lt + 10);
    if (rest.startsWith("<!--")) {
      const next = this.passThrough(lt, "<!--", "-->", "unclosed-comment");
      return next === -1 ? xml.length : next;
    }
    if (rest.startsWith("<![CDATA[")) {
      const next = this.passThrough(lt, "<![CDATA[", "]]>", "unclosed-cdata");
      // An unclosed CDATA section: drop the opener and read on, its text becomes escaped text.
      return next === -1 ? lt + "<![CDATA[".length : next;
    }
    if (rest.startsWith("<?")) {
      const end = this.find("?>", lt + 2);
      if (end === -1) return this.literalLessThan(lt);
      // A declaration anywhere but first is an error; other processing instructions are harmless.
      if (/^<\?xml[\s?]/i.test(rest) && (this.out.some((chunk) => chunk.trim() !== "") || this.rootOpened)) {
        this.note("misplaced-xml-declaration");
        return end + 2;
      }
      this.out.push(xml.slice(lt, end + 2));
      return end + 2;
    }
    if (/^<!DOCTYPE/i.test(rest)) {
      const bracket = this.find("[", lt);
      const close = this.find(">", lt);
      let end = close;
      if (bracket !== -1 && close !== -1 && bracket < close) {
        const subsetEnd = /\]\s*>/g;
        subsetEnd.lastIndex = bracket;
        const match = subsetEnd.exec(xml);
        end = match === null ? -1 : match.index + match[0].length - 1;
      }
      if (end === -1) return this.literalLessThan(lt);
      if (!this.rootOpened) this.out.push(xml.slice(lt, end + 1));
      else this.note("misplaced-doctype");
      return end + 1;
    }
    if (xml[lt + 1] === "/") {
      const end = this.find(">", lt);
      const nameMatch = TAG_NAME.exec(xml.slice(lt + 2, lt + 200));
      if (end === -1 || nameMatch === null || xml.slice(lt + 2 + nameMatch[0].length, end).trim() !== "") {
        return this.literalLessThan(lt);
      }
      if (this.rootClosed) this.note("trailing-junk");
      else this.closeTag(nameMatch[0]);
      return end + 1;
    }
    const next = xml[lt + 1];
    if (next === undefined || !NAME_START.test(next)) return this.literalLessThan(lt);
    const end = this.tagEnd(lt);
    if (end === -1) return this.literalLessThan(lt);
    const inside = xml.slice(lt + 1, end);
    const nameMatch = TAG_NAME.exec(inside)!;
    const selfClosing = inside.endsWith("/");
    const attributes = inside.slice(nameMatch[0].length, selfClosing ? -1 : undefined);
    this.openTag(nameMatch[0], attributes, selfClosing);
    return end + 1;
  }

  /** A `<` that starts no markup is text (`a < b`): escape it and carry on after it. */
  literalLessThan(lt: number): number {
    if (this.rootOpened && !this.rootClosed) {
      this.note("unescaped-less-than");
      this.out.push("&lt;");
    } else {
      this.note(this.rootClosed ? "trailing-junk" : "leading-junk");
    }
    return lt + 1;
  }
}

/**
 * Repairs an XML feed document so that a strict parser accepts it, changing nothing a well-formed
 * document needs. Returns the repaired text and the names of the repairs made (for logs).
 */
export function repairFeedXml(xml: string): RepairResult {
  const early: string[] = [];
  let text = xml;
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    early.push("bom");
  }
  const withoutIllegal = text.replace(ILLEGAL_CHARS, "");
  if (withoutIllegal !== text) early.push("control-characters");
  text = withoutIllegal;
  const firstMarkup = text.search(/<[?!A-Za-z_]/);
  if (firstMarkup > 0 && text.slice(0, firstMarkup).trim() !== "") early.push("leading-junk");
  if (firstMarkup > 0) {
    if (text.slice(0, firstMarkup).trim() === "") early.push("leading-whitespace");
    text = text.slice(firstMarkup);
  }
  const repairer = new Repairer(text, declaredEntities(text));
  const repaired = repairer.run();
  const repairs = [...early];
  for (const repair of repairer.repairs) if (!repairs.includes(repair)) repairs.push(repair);
  return { xml: repaired, repairs };
}
