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
import { firstLine, num, openDuckDB, processThreads, rssAtEnd, sqlString } from "../node/common.mjs";

const NUMERIC = ["value", "temperature", "humidity", "quality_score"];
const MODES = ["csv", "csv-auto", "jsonl", "jsonl-auto"];

const [mode, file] = process.argv.slice(2);
if (!MODES.includes(mode) || !file) {
  console.error(`usage: node bench/io/peer_duckdb.mjs {${MODES.join("|")}} FILE`);
  process.exit(2);
}

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

const { connection, version, threads } = await openDuckDB();
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
  how: `DuckDB ${version} (@duckdb/node-api), threads=${threads}, Node ${process.version}: ` +
    `SELECT count(*), sum(value), sum(temperature), count(humidity), sum(quality_score) FROM ` +
    (mode === "csv" ? "read_csv(FILE, auto_detect=false, columns={...})" :
      mode === "csv-auto" ? "read_csv(FILE)" :
      mode === "jsonl" ? "read_json(FILE, format='newline_delimited', columns={...})" :
      "read_json(FILE, format='newline_delimited')"),
  duckdb_threads: threads,
  process_threads: processThreads(),
  rss_at_end: rssAtEnd(),
  ...(detected ? { detected_types: detected } : {}),
}));
