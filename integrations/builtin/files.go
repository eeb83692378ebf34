package builtin

import (
	"context"
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

// attach stores files for a message, each on its own as the message itself
// is; a message and its files are written by one caller.
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
		if err := b.store.AddFile(ctx, messageID, FileInfo{ID: newID(), Name: name, Type: ctype, Size: int64(len(f.Data))}, f.Data); err != nil {
			return fmt.Errorf("store file %s: %w", name, err)
		}
	}
	return nil
}

// filesOf lists a message's files.
func (b *Backend) filesOf(ctx context.Context, messageID string) ([]FileInfo, error) {
	files, err := b.store.Files(ctx, messageID)
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	return files, nil
}

// File returns a file's bytes, for download from the channel page.
func (b *Backend) File(ctx context.Context, channelID, fileID string) (FileInfo, []byte, error) {
	f, data, found, err := b.store.File(ctx, channelID, fileID)
	if err == nil && !found {
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
		data, err := b.store.FileData(ctx, fi.ID)
		if err != nil {
			return nil, fmt.Errorf("read file %s: %w", fi.Name, err)
		}
		out = append(out, archive.File{Name: fi.Name, Size: fi.Size, Type: fi.Type, Data: data})
	}
	return out, nil
}
