-- Storm grouping: per group of incidents (policy and grouping labels), the
-- window new incidents are counted in and when the storm last grew
-- (SQLite's 0016). A transaction grouping an incident locks its row.
CREATE TABLE grouping_windows (
    group_key  TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    count      BIGINT NOT NULL,
    last_at    BIGINT NOT NULL
);
