import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseOpml } from "../../../src/feeds/opml.js";
import { runCli } from "../../helpers/cli.js";

// `newswatch feeds import` then `feeds export`: every feed keeps its URL, title and tags, the user's own
// configuration file keeps its comments, and an import that would break the configuration changes nothing.

const workDir = mkdtempSync(path.join(os.tmpdir(), "nwtest-opml-"));
const mainFile = path.join(workDir, "newswatch.yaml");
const mainText = `# My newswatch — comments must survive an import.
redis: { url: "redis://127.0.0.1:6379", prefix: nwtest-opml }   # shared Redis
feeds:
  list:
    # the one feed I wrote by hand
    - { url: "https://already.example.org/rss", name: Already Here, tags: [hand] }
topics:
  - { id: sanctions, name: Sanctions, query: "sanction*" }
`;

const opml = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>From my reader</title></head><body>
  <outline text="Korea">
    <outline type="rss" text="NK News" title="NK News" xmlUrl="https://www.nknews.org/feed/" category="dprk,analysis"/>
    <outline type="rss" text="Yonhap" xmlUrl="https://en.yna.co.kr/RSS/news.xml"/>
  </outline>
  <outline type="rss" text="Meduza: the real Russia" xmlUrl="https://meduza.io/rss/en/all?lang=en&amp;x=1" category="russia"/>
  <outline type="rss" text="Already Here (again)" xmlUrl="https://already.example.org/rss"/>
</body></opml>`;

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("feeds import / export", () => {
  it("imports into feeds.yaml next to the configuration and exports every feed with its URL, title and tags", async () => {
    writeFileSync(mainFile, mainText);
    const opmlFile = path.join(workDir, "reader.opml");
    writeFileSync(opmlFile, opml);
    const imported = await runCli(["feeds", "import", opmlFile, "--config", mainFile]);
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("Added 3 feeds");
    expect(imported.stdout).toContain("1 already configured");

    // The user's file: only an include line added, every comment and setting as written.
    const edited = readFileSync(mainFile, "utf8");
    expect(edited.replace("include: [feeds.yaml]\n", "")).toBe(mainText);
    expect(existsSync(path.join(workDir, "feeds.yaml"))).toBe(true);

    const exported = await runCli(["feeds", "export", "--config", mainFile]);
    expect(exported.code).toBe(0);
    expect(parseOpml(exported.stdout)).toEqual([
      { url: "https://already.example.org/rss", title: "Already Here", tags: ["hand"] },
      { url: "https://www.nknews.org/feed/", title: "NK News", tags: ["Korea", "dprk", "analysis"] },
      { url: "https://en.yna.co.kr/RSS/news.xml", title: "Yonhap", tags: ["Korea"] },
      { url: "https://meduza.io/rss/en/all?lang=en&x=1", title: "Meduza: the real Russia", tags: ["russia"] },
    ]);

    // Importing the same file again adds nothing.
    const again = await runCli(["feeds", "import", opmlFile, "--config", mainFile]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No new feeds");
  }, 60_000);

  it("changes nothing when the imported feeds would make the configuration invalid", async () => {
    const before = {
      main: readFileSync(mainFile, "utf8"),
      feeds: readFileSync(path.join(workDir, "feeds.yaml"), "utf8"),
    };
    const bad = path.join(workDir, "bad.opml");
    writeFileSync(
      bad,
      `<opml version="2.0"><body><outline text="FTP" xmlUrl="ftp://files.example.org/feed.xml"/></body></opml>`,
    );
    const result = await runCli(["feeds", "import", bad, "--config", mainFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/feeds\.yaml:\d+:\d+: /);
    expect(readFileSync(mainFile, "utf8")).toBe(before.main);
    expect(readFileSync(path.join(workDir, "feeds.yaml"), "utf8")).toBe(before.feeds);
  }, 60_000);
});
