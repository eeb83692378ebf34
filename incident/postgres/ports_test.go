package postgres_test

import (
	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/integrations/builtin"
	"github.com/warroom/warroom/web"
)

// The ports serve hands the store to, as it hands *sqlite.DB.
var (
	_ incident.Store     = (*postgres.DB)(nil)
	_ incident.JobQueue  = (*postgres.DB)(nil)
	_ incident.JobPruner = (*postgres.DB)(nil)
	_ archive.Store      = (*postgres.DB)(nil)
	_ web.Jobs           = (*postgres.DB)(nil)
	_ web.Transcripts    = (*postgres.DB)(nil)
	_ web.Sessions       = (*postgres.DB)(nil)
	_ web.JobCounter     = (*postgres.DB)(nil)
	_ builtin.Store      = (*postgres.BuiltinStore)(nil)
)
