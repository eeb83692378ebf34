package sqlite

import "context"

// AddChannelMember appends username to the channel's members in one
// statement, unless it is among them already (the list is comma-joined, so
// the match is on whole names).
func (b *BuiltinStore) AddChannelMember(ctx context.Context, channelID, username string) (bool, error) {
	res, err := b.s.db.ExecContext(ctx, `UPDATE builtin_channels
		SET members = CASE WHEN members = '' THEN ? ELSE members || ',' || ? END
		WHERE id = ? AND instr(',' || members || ',', ',' || ? || ',') = 0`, username, username, channelID, username)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
