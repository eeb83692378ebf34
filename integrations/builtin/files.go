package builtin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// MaxFileBytes bounds one file in a builtin channel.
const MaxFileBytes = 25 << 20

// FileInfo describes a file attached to a builtin message.
type FileInfo struct {
	ID   string
	Name string
	Type string
	Size int64
}

// attach stores files for a message in the same transaction-less way as the
// message itself; a message and its files are written by one caller.
func (b *Backend) attach(ctx context.Context, messageID string, files []incident.File) error {
	for _, f := range files {
		name := path.Base(strings.ReplaceAll(f.Name, `\`, "/"))
		if name == "" || name == "." || name == "/" {
			name = "file"
		}
		if len(f.Data) > MaxFileBytes {
			return incident.Errorf(incident.KindInvalid, "%s is %d bytes; the limit is %d", name, len(f.Data), MaxFileBytes)
		}
		ctype := f.Type
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		_, err := b.db.ExecContext(ctx, `INSERT INTO builtin_files (id, message_id, name, type, size, data) VALUES (?,?,?,?,?,?)`,
			newID(), messageID, name, ctype, len(f.Data), f.Data)
		if err != nil {
			return fmt.Errorf("store file %s: %w", name, err)
		}
	}
	return nil
}

// filesOf lists a message's files.
func (b *Backend) filesOf(ctx context.Context, messageID string) ([]FileInfo, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT id, name, type, size FROM builtin_files WHERE message_id = ? ORDER BY rowid`, messageID)
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	defer rows.Close()
	var out []FileInfo
	for rows.Next() {
		var f FileInfo
		if err := rows.Scan(&f.ID, &f.Name, &f.Type, &f.Size); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// File returns a file's bytes, for download from the channel page.
func (b *Backend) File(ctx context.Context, channelID, fileID string) (FileInfo, []byte, error) {
	var f FileInfo
	var data []byte
	err := b.db.QueryRowContext(ctx, `SELECT f.id, f.name, f.type, f.size, f.data FROM builtin_files f
		JOIN builtin_messages m ON m.id = f.message_id WHERE m.channel_id = ? AND f.id = ?`, channelID, fileID).
		Scan(&f.ID, &f.Name, &f.Type, &f.Size, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return FileInfo{}, nil, incident.Errorf(incident.KindNotFound, "no such file in this channel")
	}
	return f, data, err
}

// archiveFiles reads a message's files with their bytes for the transcript.
func (b *Backend) archiveFiles(ctx context.Context, messageID string) ([]archive.File, error) {
	infos, err := b.filesOf(ctx, messageID)
	if err != nil {
		return nil, err
	}
	var out []archive.File
	for _, fi := range infos {
		var data []byte
		if err := b.db.QueryRowContext(ctx, `SELECT data FROM builtin_files WHERE id = ?`, fi.ID).Scan(&data); err != nil {
			return nil, fmt.Errorf("read file %s: %w", fi.Name, err)
		}
		out = append(out, archive.File{Name: fi.Name, Size: fi.Size, Type: fi.Type, Data: data})
	}
	return out, nil
}
