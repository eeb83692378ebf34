package postgres

// RepeatBatchMost is the largest batch of repeat reads db has read.
func RepeatBatchMost(db *DB) int {
	db.repeats.mu.Lock()
	defer db.repeats.mu.Unlock()
	return db.repeats.most
}
