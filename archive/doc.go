// Package archive turns a closed incident into its permanent record, one
// resumable job at a time: build the transcript (every message with author
// and time, threads, edits, reactions, files, plus the timeline) and render
// it as Markdown and JSON; store it in the ticket system; read it back and
// compare hashes; and only then delete the channel.
package archive
