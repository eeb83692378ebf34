package archive

import (
	"encoding/json"
	"fmt"
	"io"
)

// EachMessage reads a JSON transcript as the archive writes it
// ({"incident": ..., "timeline": [...], "messages": [...], ...}) and calls
// fn for each message in order, decoding one at a time, so memory stays
// flat however long the transcript is. The stores index transcripts for
// search with it.
func EachMessage(r io.Reader, fn func(Message) error) error {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("read transcript: %w", err)
		}
		key, _ := tok.(string)
		if key != "messages" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("read transcript %s: %w", key, err)
			}
			continue
		}
		if err := expectDelim(dec, '['); err != nil {
			return err
		}
		for dec.More() {
			var m Message
			if err := dec.Decode(&m); err != nil {
				return fmt.Errorf("read transcript message: %w", err)
			}
			if err := fn(m); err != nil {
				return err
			}
		}
		if err := expectDelim(dec, ']'); err != nil {
			return err
		}
	}
	return nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("read transcript: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("read transcript: got %v where %q belongs", tok, want)
	}
	return nil
}
