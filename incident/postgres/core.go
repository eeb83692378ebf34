package postgres

import "github.com/warroom/warroom/incident/internal/sqlstore"

// core runs the statements this store shares with incident/sqlite
// (incident/internal/sqlstore) in PostgreSQL's terms: a transaction's
// reads of the rows it changes lock them (forUpdate, tx.go), a unique
// index refuses what two replicas write at once, and an insert returns
// its id.
var core = sqlstore.Dialect{
	StoreError:      storeError,
	UniqueViolation: uniqueViolation,
	ForUpdate:       " FOR UPDATE",
	ForNoKeyUpdate:  forUpdate,
	Returning:       true,
	CaseFreeLike:    "ILIKE",
	ContentText:     "convert_from(content, 'UTF8')",
}
