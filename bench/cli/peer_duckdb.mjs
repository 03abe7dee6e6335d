// The command benchmark's DuckDB peer (bench/cli/run.sh), through @duckdb/node-api (bench/node/package.json), an
// in-memory database, with one thread (threads=1, the default of this script) or DuckDB's default (threads=default:
// no SET threads, DuckDB takes the cores it sees).
//
//   node bench/cli/peer_duckdb.mjs t1 SENSORS.csv [threads=1|threads=default]
//   node bench/cli/peer_duckdb.mjs t2 APP.log... [threads=...]
//   node bench/cli/peer_duckdb.mjs t3 SENSORS.csv [threads=...]
//   node bench/cli/peer_duckdb.mjs t5 SENSORS.csv OUT.csv [threads=...]
//   node bench/cli/peer_duckdb.mjs t4 SENSORS.csv OUT.csv [threads=...]
//   node bench/cli/peer_duckdb.mjs t4b SENSORS.csv OUT.csv [threads=...]
//   node bench/cli/peer_duckdb.mjs t4m SENSORS.csv OUT.csv [threads=...]
//
// t1: read_csv with the columns and their types given (names from the header line), WHERE the filter of the task,
//     GROUP BY category: count(*), avg(value), min(value), max(value).
// t2: the log lines read as space-separated fields (date, time, level; the rest of the line dropped:
//     strict_mode=false, quoting off), WHERE level IN ('ERROR', 'CRITICAL'), GROUP BY the hour and the level.
// t3: the rows numbered in file order (row_number() OVER (), one thread so the scan keeps the file's order), the
//     rows with a value kept, then per sensor, over the rows ordered by that number, a window of the 100 last rows
//     (ROWS BETWEEN 99 PRECEDING AND CURRENT ROW: the new value included): avg, stddev_pop, and the row's rank in
//     its sensor; an anomaly when the rank is above 10, the deviation above 0 and |value - avg| / deviation above
//     2.5; GROUP BY category: count(*), count of anomalies.
// t5: COPY (SELECT id, sensor, value, temperature * 1.8 + 32 AS temp_f FROM read_csv(...) WHERE value > 50) TO OUT.csv
//     (HEADER, DELIMITER ','): the rows written to a file (a null written as an empty field), in the file's order
//     (preserve_insertion_order, DuckDB's default).
// t4: COPY (SELECT id, count(*), avg(value) ... GROUP BY id ORDER BY id) TO OUT.csv, id read as VARCHAR (yieldpipe
//     groups by the text and sorts the texts by bytes: DuckDB's default collation compares VARCHAR bytes too).
// t4b: the same GROUP BY timestamp, sensor ORDER BY timestamp, sensor (two text keys).
//
// Prints one line of JSON: {"tool", "task", "answer", "how", ...}, the answer keyed as bench/cli/collect.py reads it
// (see peer_python.py); for t5 the answer is null: bench/cli/run.sh reads OUT.csv.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { firstLine, num, openDuckDB, processThreads, rssAtEnd, sqlString, takeThreads } from "../node/common.mjs";

const NUMERIC = ["value", "temperature", "humidity", "quality_score"];
const TASKS = ["t1", "t2", "t3", "t4", "t4b", "t4m", "t5"];
const WRITES_FILE = ["t4", "t4b", "t4m", "t5"];

const args = process.argv.slice(2);
const threadsWanted = takeThreads(args);
const [task, ...files] = args;
if (!TASKS.includes(task) || files.length === 0 || (WRITES_FILE.includes(task) ? files.length !== 2 :
  task !== "t2" && files.length !== 1)) {
  console.error("usage: node bench/cli/peer_duckdb.mjs {t1|t3} SENSORS.csv | t2 APP.log... | {t4|t4b|t4m|t5} SENSORS.csv " +
    "OUT.csv [threads=1|threads=default]");
  process.exit(2);
}

const typeOf = (name, textId) =>
  NUMERIC.includes(name) ? "DOUBLE" : name === "id" && !textId ? "BIGINT" : "VARCHAR";
const sensors = (file, textId = false) => {
  const names = firstLine(file).split(",");
  const columns = `{${names.map((n) => `${sqlString(n)}: '${typeOf(n, textId)}'`).join(", ")}}`;
  return `read_csv(${sqlString(file)}, auto_detect=false, header=true, delim=',', quote='"', escape='"', ` +
    `new_line='\\n', columns=${columns})`;
};

const QUERIES = {
  t1: (file) => `SELECT category, count(*) AS count, avg(value) AS mean_value, min(value) AS min_value,
      max(value) AS max_value
    FROM ${sensors(file)}
    WHERE status = 'active' AND quality_score >= 0.8 AND temperature BETWEEN -50 AND 100
      AND humidity IS NOT NULL AND humidity BETWEEN 0 AND 100
    GROUP BY category`,
  t2: (...logs) => `SELECT date || ' ' || substr(time, 1, 2) || ':00' AS hour, level, count(*) AS count
    FROM read_csv([${logs.map(sqlString).join(", ")}], auto_detect=false, header=false, delim=' ', quote='',
      escape='', strict_mode=false, columns={'date': 'VARCHAR', 'time': 'VARCHAR', 'level': 'VARCHAR'})
    WHERE level IN ('ERROR', 'CRITICAL')
    GROUP BY ALL`,
  t3: (file) => `WITH numbered AS (
      SELECT row_number() OVER () AS rn, sensor, category, value FROM ${sensors(file)}),
    scored AS (
      SELECT category, value, avg(value) OVER w AS mean, stddev_pop(value) OVER w AS sd,
        row_number() OVER (PARTITION BY sensor ORDER BY rn) AS seen
      FROM numbered WHERE value IS NOT NULL
      WINDOW w AS (PARTITION BY sensor ORDER BY rn ROWS BETWEEN 99 PRECEDING AND CURRENT ROW))
    SELECT category, count(*) AS rows,
      count(*) FILTER (WHERE seen > 10 AND sd > 0 AND abs(value - mean) / sd > 2.5) AS anomalies
    FROM scored GROUP BY category`,
  t5: (file, out) => `COPY (
      SELECT id, sensor, value, temperature * 1.8 + 32 AS temp_f FROM ${sensors(file)} WHERE value > 50)
    TO ${sqlString(out)} (HEADER, DELIMITER ',')`,
  t4: (file, out) => `COPY (
      SELECT id, count(*) AS count, avg(value) AS mean_value FROM ${sensors(file, true)} GROUP BY id ORDER BY id)
    TO ${sqlString(out)} (HEADER, DELIMITER ',')`,
  t4m: (file, out) => QUERIES.t4(file, out),
  t4b: (file, out) => `COPY (
      SELECT timestamp, sensor, count(*) AS count, avg(value) AS mean_value FROM ${sensors(file)}
      GROUP BY timestamp, sensor ORDER BY timestamp, sensor)
    TO ${sqlString(out)} (HEADER, DELIMITER ',')`,
};

const { connection, version, threads } = await openDuckDB({ threads: threadsWanted });
// t4m: T4 in 256 MB; DuckDB spills what does not fit to a folder of its own under the system's temporary folder.
const tempDirectory = task === "t4m" ? fs.mkdtempSync(path.join(os.tmpdir(), "duckdb-t4m-")) : null;
if (tempDirectory) {
  await connection.run("SET memory_limit='256MB'");
  await connection.run(`SET temp_directory=${sqlString(tempDirectory)}`);
}
let rows;
try {
  rows = (await connection.runAndReadAll(QUERIES[task](...files))).getRowObjectsJS();
} finally {
  if (tempDirectory) fs.rmSync(tempDirectory, { recursive: true, force: true });
}

// t4, t4b and t5 wrote OUT.csv, which bench/cli/run.sh reads: no answer here.
const answer = WRITES_FILE.includes(task) ? null : {};
for (const r of WRITES_FILE.includes(task) ? [] : rows) {
  if (task === "t1") {
    answer[r.category] = { count: num(r.count), mean_value: r.mean_value, min_value: r.min_value,
      max_value: r.max_value };
  } else if (task === "t2") {
    answer[`${r.hour} ${r.level}`] = num(r.count);
  } else {
    answer[r.category] = { rows: num(r.rows), anomalies: num(r.anomalies) };
  }
}
const HOW = {
  t1: "read_csv(FILE, auto_detect=false, columns={...}) WHERE ... GROUP BY category: count(*), avg, min, max",
  t2: "read_csv(FILES, delim=' ', quote='', strict_mode=false, columns={date, time, level}) WHERE level IN " +
    "('ERROR', 'CRITICAL') GROUP BY hour, level",
  t3: "avg and stddev_pop OVER (PARTITION BY sensor ORDER BY row_number ROWS BETWEEN 99 PRECEDING AND CURRENT ROW)" +
    ", row_number() per sensor, count(*) FILTER (...) GROUP BY category",
  t4: "COPY (SELECT id, count(*), avg(value) FROM read_csv(FILE, auto_detect=false, columns={..., id: VARCHAR}) " +
    "GROUP BY id ORDER BY id) TO OUT (HEADER, DELIMITER ',')",
  t4m: "SET memory_limit='256MB', temp_directory=...; then T4's COPY",
  t4b: "COPY (SELECT timestamp, sensor, count(*), avg(value) FROM read_csv(FILE, auto_detect=false, columns={...}) " +
    "GROUP BY timestamp, sensor ORDER BY timestamp, sensor) TO OUT (HEADER, DELIMITER ',')",
  t5: "COPY (SELECT id, sensor, value, temperature * 1.8 + 32 AS temp_f FROM read_csv(FILE, auto_detect=false, " +
    "columns={...}) WHERE value > 50) TO OUT (HEADER, DELIMITER ',')",
};
console.log(JSON.stringify({
  tool: "duckdb",
  task,
  answer,
  how: `DuckDB ${version} (@duckdb/node-api), threads=${threads}${threadsWanted === "default" ? " (its default)" : ""}, ` +
    `Node ${process.version}: ${HOW[task]}`,
  duckdb_threads: threads,
  process_threads: processThreads(),
  rss_at_end: rssAtEnd(),
}));
