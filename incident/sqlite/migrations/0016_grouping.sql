-- Storm grouping: per group of incidents (policy and grouping labels), the
-- window new incidents are counted in and when the storm last grew.
CREATE TABLE grouping_windows (
    group_key  TEXT PRIMARY KEY,
    started_at INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    last_at    INTEGER NOT NULL
);
