// The command benchmark's Polars peer (bench/cli/run.sh), through nodejs-polars (bench/node/package.json), with one
// thread (threads=1, the default of this script: POLARS_MAX_THREADS=1) or Polars' default thread pool
// (threads=default: POLARS_MAX_THREADS removed, one thread per core Polars sees), set before nodejs-polars is
// loaded: see bench/node/common.mjs.
//
//   node bench/cli/peer_polars.mjs t1 SENSORS.csv [ENGINE] [threads=1|threads=default]
//   node bench/cli/peer_polars.mjs t2 APP.log... [ENGINE] [threads=...]
//   node bench/cli/peer_polars.mjs t3 SENSORS.csv [ENGINE] [threads=...]
//   node bench/cli/peer_polars.mjs t5 SENSORS.csv OUT.csv [ENGINE] [threads=...]
//   node bench/cli/peer_polars.mjs t4 SENSORS.csv OUT.csv [ENGINE] [threads=...]
//   node bench/cli/peer_polars.mjs t4b SENSORS.csv OUT.csv [ENGINE] [threads=...]
//
// ENGINE: in-memory (the default; what collect() uses) or streaming (Polars' streaming engine, which bounds memory
// where the query allows it).
//
// t1: scanCSV(FILE, {schema}) with every column's type given, .filter(the task's condition),
//     .groupBy("category").agg(len, mean, min, max of value).
// t2: each log file scanned as space-separated fields (date, time, level; truncateRaggedLines drops the rest of
//     the line, quoting off), concatenated, .filter(level is ERROR or CRITICAL), .groupBy(hour, level).agg(len).
// t3: the rows with a value; per sensor (.over("sensor"): each sensor's rows in file order), rollingMean and the
//     population's standard deviation (see below) over windows of 100 rows with minPeriods 1 (the new value
//     included, fewer at the start), and cumCount (the row's rank in its sensor); an anomaly when the rank is above
//     10, the deviation above 0 and |value - mean| / deviation above 2.5; .groupBy("category").agg(len, sum of
//     anomalies).
// t5: .filter(value > 50).select(id, sensor, value, temperature * 1.8 + 32 as temp_f), written to OUT.csv (a null
//     written as an empty field, the rows in the file's order): in-memory, collectSync({engine}) then
//     writeCSV(OUT); streaming, sinkCSV(OUT) run by the streaming engine.
// t4: id read as text, .groupBy("id").agg(len, mean of value).sort("id") (strings sort by their bytes, as
//     yieldpipe's keys), written to OUT.csv; t4b: the same by timestamp and sensor, sorted by both.
//
// Prints one line of JSON: {"tool", "task", "answer", "how", ...}, the answer keyed as bench/cli/collect.py reads it
// (see peer_python.py); for t5 the answer is null: bench/cli/run.sh reads OUT.csv.
import { firstLine, loadPolars, num, processThreads, rssAtEnd, takeThreads } from "../node/common.mjs";

const NUMERIC = ["value", "temperature", "humidity", "quality_score"];
const TASKS = ["t1", "t2", "t3", "t4", "t4b", "t5"];
const WRITES_FILE = ["t4", "t4b", "t5"];
const ENGINES = ["in-memory", "streaming"];

const args = process.argv.slice(2);
const threadsWanted = takeThreads(args);
const task = args.shift();
const engine = ENGINES.includes(args.at(-1)) ? args.pop() : "in-memory";
const files = args;
if (!TASKS.includes(task) || files.length === 0 || (WRITES_FILE.includes(task) ? files.length !== 2 :
  task !== "t2" && files.length !== 1)) {
  console.error("usage: node bench/cli/peer_polars.mjs {t1|t3} SENSORS.csv | t2 APP.log... | {t4|t4b|t5} SENSORS.csv " +
    "OUT.csv [in-memory|streaming] [threads=1|threads=default]");
  process.exit(2);
}

const { pl, version, maxThreads } = await loadPolars({ threads: threadsWanted });

const sensors = (file, textId = false) => {
  const names = firstLine(file).split(",");
  const schema = Object.fromEntries(names.map((n) => [n, NUMERIC.includes(n) ? pl.Float64 :
    n === "id" && !textId ? pl.Int64 : pl.Utf8]));
  return pl.scanCSV(file, { hasHeader: true, sep: ",", quoteChar: '"', schema });
};
const value = pl.col("value");
// nodejs-polars 0.24.1 drops the ddof of rollingStd's options (the JS wrapper passes windowSize, weights,
// minPeriods and center only), so the population's deviation is the sample's variance times (k - 1) / k, k the
// values in the window: min(rank in the sensor, 100).
const population = (seen) => {
  const k = pl.when(seen.gt(100)).then(pl.lit(100)).otherwise(seen).cast(pl.Float64);
  return k.minus(1).divideBy(k);
};

const QUERIES = {
  t1: (file) => sensors(file)
    .filter(pl.col("status").eq(pl.lit("active"))
      .and(pl.col("quality_score").gtEq(0.8))
      .and(pl.col("temperature").gtEq(-50)).and(pl.col("temperature").ltEq(100))
      .and(pl.col("humidity").isNotNull())
      .and(pl.col("humidity").gtEq(0)).and(pl.col("humidity").ltEq(100)))
    .groupBy("category")
    .agg(pl.len().alias("count"), value.mean().alias("mean_value"), value.min().alias("min_value"),
      value.max().alias("max_value")),
  t2: (...logs) => pl.concat(logs.map((f) => pl.scanCSV(f, { hasHeader: false, sep: " ", quoteChar: "",
    truncateRaggedLines: true, schema: { date: pl.Utf8, time: pl.Utf8, level: pl.Utf8 } })))
    .filter(pl.col("level").isIn(["ERROR", "CRITICAL"]))
    .select(pl.concatString([pl.col("date"), pl.col("time").str.slice(0, 2)], " ").alias("hour"), "level")
    .groupBy(["hour", "level"])
    .agg(pl.len().alias("count")),
  t3: (file) => sensors(file)
    .select("sensor", "category", "value")
    .filter(value.isNotNull())
    .withColumns(
      value.rollingMean({ windowSize: 100, minPeriods: 1 }).over("sensor").alias("mean"),
      value.rollingVar({ windowSize: 100, minPeriods: 1 }).over("sensor").alias("sample_var"),
      value.cumCount().over("sensor").alias("seen"))
    .withColumns(pl.col("sample_var").mul(population(pl.col("seen"))).pow(0.5).alias("sd"))
    .groupBy("category")
    .agg(pl.len().alias("rows"),
      pl.col("seen").gt(10).and(pl.col("sd").gt(0)).and(value.minus(pl.col("mean")).abs().divideBy(pl.col("sd"))
        .gt(2.5)).sum().alias("anomalies")),
  t4: (file) => sensors(file, true)
    .groupBy("id")
    .agg(pl.len().alias("count"), value.mean().alias("mean_value"))
    .sort("id"),
  t4b: (file) => sensors(file)
    .groupBy(["timestamp", "sensor"])
    .agg(pl.len().alias("count"), value.mean().alias("mean_value"))
    .sort(["timestamp", "sensor"]),
  t5: (file) => sensors(file)
    .filter(value.gt(50))
    .select("id", "sensor", "value", pl.col("temperature").mul(1.8).plus(32).alias("temp_f")),
};

let rows = [];
if (task === "t5") {
  // The rows are written to OUT.csv, which bench/cli/run.sh reads: no answer here.
  const [file, out] = files;
  // nodejs-polars 0.24.1's sinkCSV returns the native lazy frame unwrapped, whose collectSync takes the engine as a
  // plain string (given none: "Failed to convert JavaScript value `Undefined` into rust type `String`").
  if (engine === "streaming") QUERIES.t5(file).sinkCSV(out).collectSync("streaming");
  else QUERIES.t5(file).collectSync({ engine }).writeCSV(out);
} else if (WRITES_FILE.includes(task)) {
  const [file, out] = files;
  QUERIES[task](file).collectSync({ engine }).writeCSV(out);
} else {
  rows = QUERIES[task](...files).collectSync({ engine }).toRecords();
}

const answer = WRITES_FILE.includes(task) ? null : {};
for (const r of rows) {
  if (task === "t1") {
    answer[r.category] = { count: num(r.count), mean_value: r.mean_value, min_value: r.min_value,
      max_value: r.max_value };
  } else if (task === "t2") {
    answer[`${r.hour}:00 ${r.level}`] = num(r.count);
  } else {
    answer[r.category] = { rows: num(r.rows), anomalies: num(r.anomalies) };
  }
}
const HOW = {
  t1: "scanCSV(FILE, {schema}).filter(...).groupBy('category').agg(len, mean, min, max)",
  t2: "concat(scanCSV(FILE, {sep: ' ', quoteChar: '', truncateRaggedLines, schema: {date, time, level}}) ...)" +
    ".filter(level in [ERROR, CRITICAL]).groupBy([hour, level]).agg(len)",
  t3: "rollingMean / rollingVar({windowSize: 100, minPeriods: 1}).over('sensor') (population variance: x (k-1)/k), " +
    "cumCount().over('sensor'), .groupBy('category').agg(len, sum(anomaly))",
  t4: "scanCSV(FILE, {schema, id: Utf8}).groupBy('id').agg(len, mean of value).sort('id').collectSync().writeCSV(OUT)",
  t4b: "scanCSV(FILE, {schema}).groupBy(['timestamp', 'sensor']).agg(len, mean of value)" +
    ".sort(['timestamp', 'sensor']).collectSync().writeCSV(OUT)",
  t5: `scanCSV(FILE, {schema}).filter(value > 50).select(id, sensor, value, temperature * 1.8 + 32 as temp_f)` +
    (engine === "streaming" ? ".sinkCSV(OUT)" : ".collectSync().writeCSV(OUT)"),
};
console.log(JSON.stringify({
  tool: `polars${engine === "streaming" ? "-streaming" : ""}`,
  task,
  answer,
  how: `nodejs-polars ${version}, ` +
    (maxThreads === "default" ? "POLARS_MAX_THREADS unset (its default)" : `POLARS_MAX_THREADS=${maxThreads}`) +
    `, engine ${engine}, Node ${process.version}: ${HOW[task]}`,
  polars_max_threads: maxThreads,
  process_threads: processThreads(),
  rss_at_end: rssAtEnd(),
}));
