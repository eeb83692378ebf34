// Package riverlane is a spike (issue 12, item 9), not part of warroom: per-lane FIFO on
// riverqueue/river with SQLite, as one unique runner job per lane that drains an ordered
// outbox table, measured against warroom's own queue. It is its own module so that the
// product's go.mod does not depend on River.
package riverlane
