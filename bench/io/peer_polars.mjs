// The io benchmark's Polars peer (bench/io/run.sh), through nodejs-polars (bench/node/package.json).
//
//   POLARS_MAX_THREADS=1 node bench/io/peer_polars.mjs MODE FILE [ENGINE]
//
// MODE:
//   csv    scanCSV(FILE, {schema}) with every column's type given (the numeric columns of the answer Float64,
//          id Int64, every other column Utf8; names from FILE's header line), then .select([...]).collect;
//   jsonl  scanJson(FILE, {nThreads: 1}) (newline-delimited JSON; Polars infers the types from the first
//          10 000 lines: nodejs-polars' scanJson takes no schema), then .select([...]).collect.
// ENGINE: in-memory (the default; what collect() uses) or streaming (Polars' streaming engine, which bounds
//          memory).
//
// One thread: Polars sizes its thread pool from POLARS_MAX_THREADS when the native module first runs, so it
// must be in the environment before nodejs-polars is loaded. bench/io/run.sh sets it; when it is missing this
// script sets it itself before its (dynamic) import of nodejs-polars. The OS threads of the process at the end
// are reported so that the setting can be checked (and run.sh checks CPU time ≈ wall time).
//
// Computes the answer of the "csv typed" task — row count, sum(value), sum(temperature), count of non-null
// humidity, sum(quality_score) — and prints one line of JSON with the answer keys of bench/io/peer_python_csv.py.
import { firstLine, loadPolars, num, processThreads, rssAtEnd } from "../node/common.mjs";

const { pl, version: polarsVersion } = await loadPolars();

const NUMERIC = ["value", "temperature", "humidity", "quality_score"];
const MODES = ["csv", "jsonl"];
const ENGINES = ["in-memory", "streaming"];

const [mode, file, engine = "in-memory"] = process.argv.slice(2);
if (!MODES.includes(mode) || !file || !ENGINES.includes(engine)) {
  console.error(`usage: POLARS_MAX_THREADS=1 node bench/io/peer_polars.mjs {${MODES.join("|")}} FILE ` +
    `[${ENGINES.join("|")}]`);
  process.exit(2);
}

let frame;
if (mode === "csv") {
  const names = firstLine(file).split(",");
  const schema = Object.fromEntries(names.map((n) => [n, NUMERIC.includes(n) ? pl.Float64 : n === "id" ? pl.Int64 : pl.Utf8]));
  frame = pl.scanCSV(file, { hasHeader: true, sep: ",", quoteChar: '"', schema });
} else {
  frame = pl.scanJson(file, { nThreads: 1, inferSchemaLength: 10000 });
}

const result = frame.select(
  pl.len().alias("rows"),
  pl.col("value").sum().alias("sum_value"),
  pl.col("temperature").sum().alias("sum_temperature"),
  pl.col("humidity").count().alias("count_humidity"),
  pl.col("quality_score").sum().alias("sum_quality_score"),
).collectSync({ engine });
const row = result.toRecords()[0];
console.log(JSON.stringify({
  tool: `polars-${mode}${engine === "streaming" ? "-streaming" : ""}`,
  task: mode,
  answer: {
    rows: num(row.rows),
    sum_value: num(row.sum_value),
    sum_temperature: num(row.sum_temperature),
    count_humidity: num(row.count_humidity),
    sum_quality_score: num(row.sum_quality_score),
  },
  how: `nodejs-polars ${polarsVersion}, POLARS_MAX_THREADS=${process.env.POLARS_MAX_THREADS}, engine ${engine}, ` +
    `Node ${process.version}: ` +
    (mode === "csv" ? "scanCSV(FILE, {schema})" : "scanJson(FILE, {nThreads: 1})") +
    ".select(len, sum(value), sum(temperature), count(humidity), sum(quality_score)).collectSync()",
  polars_max_threads: process.env.POLARS_MAX_THREADS,
  process_threads: processThreads(),
  rss_at_end: rssAtEnd(),
}));
