// What the Node peers of the benchmarks (bench/io/peer_*.mjs, bench/cli/peer_*.mjs) share: loading DuckDB and
// Polars from bench/node/node_modules (installed by `npm ci`, see bench/node/package.json) with one thread each, or
// with their own default (bench/cli asks for both), reading a file's first line, the `threads=` argument of the cli
// peers, and the figures each peer reports next to its answer (the OS threads of the process, its resident memory
// at the end) so that the thread settings and the memory can be checked.
import { readFileSync, readdirSync, openSync, readSync, closeSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const nodeDir = new URL("./", import.meta.url).pathname;

/// @duckdb/node-api's module, and an in-memory DuckDB: {connection, version, threads}. With threads 1 (the default
/// of this function) the instance is created with threads=1 and `SET threads=1` is run; with threads "default"
/// neither, and DuckDB picks its own (the cores it sees).
export async function openDuckDB({ threads = 1 } = {}) {
  const { DuckDBInstance } = await import(require.resolve("@duckdb/node-api", { paths: [nodeDir] }));
  const pinned = threads !== "default";
  const instance = await DuckDBInstance.create(":memory:", pinned ? { threads: String(threads) } : {});
  const connection = await instance.connect();
  if (pinned) await connection.run(`SET threads=${Number(threads)}`);
  const settings = (await connection.runAndReadAll(
    "SELECT current_setting('threads') AS threads, version() AS version")).getRowObjectsJS()[0];
  return { instance, connection, version: settings.version, threads: num(settings.threads) };
}

/// nodejs-polars and its version, with one thread (the default of this function) or Polars' default thread pool
/// (threads "default": one thread per core it sees). Polars sizes its thread pool from POLARS_MAX_THREADS when the
/// native module first runs, so the variable must be set, or removed, before the (dynamic) import: this sets it to
/// 1 (the run scripts also export POLARS_MAX_THREADS=1), or with "default" removes it. maxThreads is the variable's
/// value, or "default".
export async function loadPolars({ threads = 1 } = {}) {
  if (threads === "default") delete process.env.POLARS_MAX_THREADS;
  else process.env.POLARS_MAX_THREADS = String(threads);
  const polarsPath = require.resolve("nodejs-polars", { paths: [nodeDir] });
  const pl = (await import(polarsPath)).default;
  const packageJson = new URL("package.json", `file://${polarsPath.replace(/bin\/index\.js$/, "")}`);
  const version = JSON.parse(readFileSync(packageJson, "utf8")).version;
  return { pl, version, maxThreads: process.env.POLARS_MAX_THREADS ?? "default" };
}

/// The `threads=1` or `threads=default` argument of a cli peer (bench/cli/peer_*.mjs), taken out of `args` wherever
/// it is; 1 when there is none.
export function takeThreads(args) {
  const i = args.findIndex((a) => /^threads=(1|default)$/.test(a));
  if (i < 0) return 1;
  const value = args.splice(i, 1)[0].slice("threads=".length);
  return value === "default" ? "default" : 1;
}

/// The first line of `path` (without its line end); throws when the first 64 KiB hold no complete line.
export function firstLine(path) {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(1 << 16);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString("utf8");
    const end = text.indexOf("\n");
    if (end < 0) throw new Error(`${path}: no complete first line in its first 64 KiB`);
    return text.slice(0, end).replace(/\r$/, "");
  } finally {
    closeSync(fd);
  }
}

/// The OS threads of this process by name (Node's own are all "node"; Polars' pool is "polars-N"), to check the
/// thread settings.
export function processThreads() {
  const threads = {};
  for (const task of readdirSync("/proc/self/task")) {
    const name = readFileSync(`/proc/self/task/${task}/comm`, "utf8").trim();
    threads[name] = (threads[name] ?? 0) + 1;
  }
  return threads;
}

/// Resident memory now, split: file pages (Node, the native module, a memory-mapped input) and anonymous memory,
/// with the peak so far.
export function rssAtEnd() {
  const status = readFileSync("/proc/self/status", "utf8");
  const kib = (field) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))?.[1] ?? NaN);
  return { anon_kib: kib("RssAnon"), file_kib: kib("RssFile"), peak_kib: kib("VmHWM") };
}

/// A DuckDB or Polars number as a JS number (BIGINT comes back as a bigint).
export const num = (v) => (typeof v === "bigint" ? Number(v) : v);

/// A string as an SQL literal.
export const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
