-- Named leases for the singletons (the Icinga 2 follower, the pin
-- watcher, the job pruner): one row per lease, kept after a release so
-- that its fencing token never goes back. holder is '' while free.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    token       INTEGER NOT NULL,
    until       INTEGER NOT NULL, -- unix nanoseconds; free at or after it
    acquired_at INTEGER NOT NULL  -- when the current holding began
);
