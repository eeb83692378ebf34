package sqlite

import "github.com/warroom/warroom/incident/internal/sqlstore"

// core runs the statements this store shares with incident/postgres
// (incident/internal/sqlstore) in SQLite's terms: its one writer runs the
// transactions one at a time, so no read needs a row lock and no insert
// meets a concurrent one, and an insert's id is LastInsertId.
var core = sqlstore.Dialect{StoreError: storeError}
