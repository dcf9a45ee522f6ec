import { openStore } from "../../../src/store/open-store.js";
import { concurrentEntry } from "./entries.js";

// A child process of the contract suite: opens the store (migrating it if needed) and writes the
// articles [from, to) in chunks of `chunkSize`, in the order `forward` or `backward`, then prints
// how many articles and matches it saw as new. Usage: concurrent-writer URL FROM TO CHUNK ORDER

const [url, fromArg, toArg, chunkArg, order] = process.argv.slice(2);
if (url === undefined || fromArg === undefined || toArg === undefined || chunkArg === undefined) {
  throw new Error("usage: concurrent-writer URL FROM TO CHUNK [forward|backward]");
}
const numbers: number[] = [];
for (let n = Number(fromArg); n < Number(toArg); n++) numbers.push(n);
if (order === "backward") numbers.reverse();

const store = await openStore(url);
let newArticles = 0;
let newMatches = 0;
const chunkSize = Number(chunkArg);
for (let i = 0; i < numbers.length; i += chunkSize) {
  const saved = await store.saveChunk(numbers.slice(i, i + chunkSize).map(concurrentEntry));
  for (const entry of saved) {
    if (entry.articleIsNew) newArticles++;
    newMatches += entry.newMatches.length;
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ newArticles, newMatches })}\n`);
