// Entry point running every role in one process: the same as `newswatch run`.
process.argv.splice(2, 0, "run");
await import("../src/cli/main.js");
