-- Scans, their framework scores, findings by fingerprint and which scan saw which finding.
-- Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    cluster TEXT NOT NULL,
    started_ms INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    reason TEXT,
    objects INTEGER NOT NULL,
    input_errors INTEGER NOT NULL,
    critical INTEGER NOT NULL,
    high INTEGER NOT NULL,
    medium INTEGER NOT NULL,
    low INTEGER NOT NULL,
    info INTEGER NOT NULL,
    suppressed INTEGER NOT NULL
);

CREATE INDEX scans_by_cluster ON scans (cluster, id);

CREATE TABLE scan_scores (
    scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    framework TEXT NOT NULL,
    score REAL,
    passed INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    not_evaluated INTEGER NOT NULL,
    PRIMARY KEY (scan_id, framework)
);

CREATE INDEX scan_scores_by_framework ON scan_scores (framework, scan_id);

CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    cluster TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    check_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    kind TEXT NOT NULL,
    namespace TEXT,
    name TEXT NOT NULL,
    location TEXT NOT NULL,
    first_seen_scan INTEGER NOT NULL REFERENCES scans (id),
    last_seen_scan INTEGER NOT NULL REFERENCES scans (id),
    UNIQUE (cluster, fingerprint)
);

CREATE TABLE scan_findings (
    scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    finding_id INTEGER NOT NULL REFERENCES findings (id),
    severity TEXT NOT NULL,
    suppressed INTEGER NOT NULL,
    PRIMARY KEY (scan_id, finding_id)
);
