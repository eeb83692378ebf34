// Package markup turns the text people and alerts supply (chat messages,
// notes, status updates, summaries, alert annotations, transcripts) into
// HTML for warroom's pages. It is the one place where such text becomes
// markup: Markdown goes through Markdown, a bare link through Link.
//
// The output carries no raw HTML from the input (it is shown as text), no
// attribute but the few the renderer writes itself, and no link or image
// whose URL is not http, https, mailto or relative after entity decoding
// (SafeURL); any other link comes out as its text.
package markup
