-- Named leases for the singletons (SQLite's 0008): the Icinga 2 follower,
-- the pin watcher, the job pruner run on the one replica that holds their
-- lease. One row per lease, kept after a release so that its fencing token
-- never goes back. holder is '' while free.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT   NOT NULL,
    token       BIGINT NOT NULL,
    until       BIGINT NOT NULL, -- unix nanoseconds; free at or after it
    acquired_at BIGINT NOT NULL  -- when the current holding began
);
