/// The store's schema, as frozen SQL. A migration, once released, is never
/// edited: a change is a new migration appended to `migrations`, and
/// `version` goes up by one. Written as strings, not from app types, so a
/// refactor of `Snapshot` cannot change what an old store looks like.
///
/// Layout ("raw in the store, derived on read"):
/// - `host`: the facts that interpret a sample (kernel, page size, USER_HZ,
///   slabinfo version), interned; a sample points at one.
/// - `sample`: one row per collection: wall time (ns), monotonic (µs), and
///   `span`, how many raw samples it stands for after downsampling.
/// - `series_name`: every raw value's name, interned: `kind` (a frozen
///   code, see `SeriesKind`) and `name` (the kernel's field name, the slab
///   cache, the cgroup path …).
/// - `value`: `(series_id, sample_id) → value`, written only when the value
///   changed since the series' previous row (NULL: the series vanished).
///   The value at sample S is the series' last row at or before S.
///   UInt64 figures are stored by bit pattern (SQLite integers are signed).
/// - `rollup`: min/max/mean of a gauge over the raw samples a downsampled
///   sample replaced (only where the value moved inside the bucket).
/// - `process` / `process_sample`: the processes that mattered at a sample,
///   identified by (pid, start time), with their status/smaps_rollup figures.
/// - `attribution` (v2): who allocated a growing slab cache, traced by
///   `record --trace-on-growth` right after the sample that showed the
///   growth: the cache, the headline and the trace's JSON report (the
///   document `trace slab --json` prints, top 10 groups).
public enum HistorySchema {
    /// The schema version this build writes (`PRAGMA user_version`).
    public static let version = 2

    /// Every migration in order; index + 1 is the version it brings a store to.
    public static let migrations: [(identifier: String, sql: String)] = [
        ("v1", v1),
        ("v2", v2),
    ]

    static let v1 = """
        CREATE TABLE host (
            id INTEGER PRIMARY KEY,
            hostname TEXT,
            kernel TEXT,
            page_size INTEGER,
            page_size_source TEXT,
            clock_ticks INTEGER NOT NULL,
            slabinfo_version TEXT,
            slabinfo_statistics INTEGER NOT NULL,
            UNIQUE (hostname, kernel, page_size, page_size_source, clock_ticks, slabinfo_version, slabinfo_statistics)
        );
        CREATE TABLE sample (
            id INTEGER PRIMARY KEY,
            time_ns INTEGER NOT NULL,
            monotonic_us INTEGER NOT NULL,
            host_id INTEGER NOT NULL REFERENCES host(id),
            span INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX sample_by_time ON sample(time_ns);
        CREATE TABLE series_name (
            id INTEGER PRIMARY KEY,
            kind INTEGER NOT NULL,
            name TEXT NOT NULL,
            UNIQUE (kind, name)
        );
        CREATE TABLE value (
            series_id INTEGER NOT NULL,
            sample_id INTEGER NOT NULL,
            value INTEGER,
            PRIMARY KEY (series_id, sample_id)
        ) WITHOUT ROWID;
        CREATE TABLE rollup (
            series_id INTEGER NOT NULL,
            sample_id INTEGER NOT NULL,
            min INTEGER NOT NULL,
            max INTEGER NOT NULL,
            mean REAL NOT NULL,
            PRIMARY KEY (series_id, sample_id)
        ) WITHOUT ROWID;
        CREATE TABLE process (
            id INTEGER PRIMARY KEY,
            pid INTEGER NOT NULL,
            start_ticks INTEGER NOT NULL,
            command TEXT NOT NULL,
            cmdline TEXT NOT NULL,
            user TEXT NOT NULL,
            uid INTEGER,
            cgroup TEXT,
            UNIQUE (pid, start_ticks)
        );
        CREATE TABLE process_sample (
            sample_id INTEGER NOT NULL,
            process_id INTEGER NOT NULL,
            virt INTEGER, res INTEGER, shr INTEGER, pss INTEGER, uss INTEGER, swap INTEGER,
            PRIMARY KEY (sample_id, process_id)
        ) WITHOUT ROWID;
        PRAGMA user_version = 1;
        """

    /// v2: slab attributions recorded by `record --trace-on-growth`.
    /// `sample_id`: the sample whose growth started the trace (moved to the
    /// bucket's kept sample by downsampling, deleted with it by retention);
    /// `traced_ns`: wall time the trace ended; `headline`: NULL when no
    /// process kept objects during the trace; `report`: the JSON report.
    static let v2 = """
        CREATE TABLE attribution (
            id INTEGER PRIMARY KEY,
            sample_id INTEGER NOT NULL,
            cache TEXT NOT NULL,
            traced_ns INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            headline TEXT,
            report TEXT NOT NULL
        );
        CREATE INDEX attribution_by_sample ON attribution(sample_id);
        PRAGMA user_version = 2;
        """
}
