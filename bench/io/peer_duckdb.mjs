// The io benchmark's DuckDB peer (bench/io/run.sh), through @duckdb/node-api (bench/node/package.json).
//
//   node bench/io/peer_duckdb.mjs MODE FILE
//
// MODE:
//   csv        read_csv with the columns and their types given (auto_detect=false): the numeric columns of the
//              answer DOUBLE, id BIGINT, every other column VARCHAR, names taken from FILE's header line;
//   csv-auto   read_csv(FILE) with DuckDB's own sniffing of the dialect and the types;
//   jsonl      read_json(FILE, format='newline_delimited') with the columns and types given (names from the
//              first line);
//   jsonl-auto read_json(FILE, format='newline_delimited') with DuckDB's own type detection.
//
// One thread (the instance is created with threads=1 and `SET threads=1` is run), an in-memory database.
// Computes the answer of the "csv typed" task — count(*), sum(value), sum(temperature), count(humidity) (non-null),
// sum(quality_score) — and prints one line of JSON, with the same answer keys as bench/io/peer_python_csv.py,
// plus the threads DuckDB reports and the OS threads of the process at the end.
import { readFileSync, readdirSync, openSync, readSync, closeSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const nodeDir = new URL("../node/", import.meta.url).pathname;
const { DuckDBInstance } = await import(require.resolve("@duckdb/node-api", { paths: [nodeDir] }));

const NUMERIC = ["value", "temperature", "humidity", "quality_score"];
const MODES = ["csv", "csv-auto", "jsonl", "jsonl-auto"];

const [mode, file] = process.argv.slice(2);
if (!MODES.includes(mode) || !file) {
  console.error(`usage: node bench/io/peer_duckdb.mjs {${MODES.join("|")}} FILE`);
  process.exit(2);
}

function firstLine(path) {
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

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
const typeOf = (name) => (NUMERIC.includes(name) ? "DOUBLE" : name === "id" ? "BIGINT" : "VARCHAR");
const columnsStruct = (names) => `{${names.map((n) => `${sqlString(n)}: '${typeOf(n)}'`).join(", ")}}`;

let source;
if (mode === "csv") {
  const names = firstLine(file).split(",");
  source = `read_csv(${sqlString(file)}, auto_detect=false, header=true, delim=',', quote='"', escape='"', ` +
    `new_line='\\n', columns=${columnsStruct(names)})`;
} else if (mode === "csv-auto") {
  source = `read_csv(${sqlString(file)})`;
} else if (mode === "jsonl") {
  const names = Object.keys(JSON.parse(firstLine(file)));
  source = `read_json(${sqlString(file)}, format='newline_delimited', columns=${columnsStruct(names)})`;
} else {
  source = `read_json(${sqlString(file)}, format='newline_delimited')`;
}

const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
const connection = await instance.connect();
await connection.run("SET threads=1");
const query = `SELECT count(*) AS rows, sum(value) AS sum_value, sum(temperature) AS sum_temperature, ` +
  `count(humidity) AS count_humidity, sum(quality_score) AS sum_quality_score FROM ${source}`;
const [row] = (await connection.runAndReadAll(query)).getRowObjectsJS();

let detected = null;
if (mode.endsWith("-auto")) {
  // The types DuckDB's detection chose for the answer's columns (sniffs a sample again: a few ms).
  const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjectsJS();
  detected = Object.fromEntries(described.filter((r) => NUMERIC.includes(r.column_name))
    .map((r) => [r.column_name, r.column_type]));
}
const settings = (await connection.runAndReadAll(
  "SELECT current_setting('threads') AS threads, version() AS version")).getRowObjectsJS()[0];
// The OS threads of the process by name (Node's own are all "node"), to check the thread settings.
const osThreads = {};
for (const task of readdirSync("/proc/self/task")) {
  const name = readFileSync(`/proc/self/task/${task}/comm`, "utf8").trim();
  osThreads[name] = (osThreads[name] ?? 0) + 1;
}

// Resident memory at the end, split: file pages (a memory-mapped input counts here) and anonymous memory.
const status = readFileSync("/proc/self/status", "utf8");
const kib = (field) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))?.[1] ?? NaN);
const rssAtEnd = { anon_kib: kib("RssAnon"), file_kib: kib("RssFile"), peak_kib: kib("VmHWM") };

const num = (v) => (typeof v === "bigint" ? Number(v) : v);
console.log(JSON.stringify({
  tool: `duckdb-${mode}`,
  task: mode.startsWith("csv") ? "csv" : "jsonl",
  answer: {
    rows: num(row.rows),
    sum_value: num(row.sum_value),
    sum_temperature: num(row.sum_temperature),
    count_humidity: num(row.count_humidity),
    sum_quality_score: num(row.sum_quality_score),
  },
  how: `DuckDB ${settings.version} (@duckdb/node-api), threads=${num(settings.threads)}, Node ${process.version}: ` +
    `SELECT count(*), sum(value), sum(temperature), count(humidity), sum(quality_score) FROM ` +
    (mode === "csv" ? "read_csv(FILE, auto_detect=false, columns={...})" :
      mode === "csv-auto" ? "read_csv(FILE)" :
      mode === "jsonl" ? "read_json(FILE, format='newline_delimited', columns={...})" :
      "read_json(FILE, format='newline_delimited')"),
  duckdb_threads: num(settings.threads),
  process_threads: osThreads,
  rss_at_end: rssAtEnd,
  ...(detected ? { detected_types: detected } : {}),
}));
