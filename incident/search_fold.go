package incident

import (
	"unicode"
	"unicode/utf8"
)

// The letters with diacritics the search folds to their base letter, so
// that cafe finds café and the reverse: each Latin letter whose canonical
// decomposition is an ASCII letter and combining marks (what SQLite's
// FTS5 remove_diacritics and PostgreSQL's unaccent both fold; letters
// only one of them folds, as ø or ß, are left alone), from U+00C0 to
// U+024F and from U+1E00 to U+1EFF, one byte a letter, '.' for none.
// Made from Unicode's decompositions (Python's unicodedata NFD).
const (
	latinFoldFrom = 0x00C0
	latinFold     = "aaaaaa.ceeeeiiii.nooooo..uuuuy..aaaaaa.ceeeeiiii.nooooo..uuuuy.y" +
		"aaaaaaccccccccdd..eeeeeeeeeegggggggghh..iiiiiiiii...jjkk.llllll." +
		"...nnnnnn...oooooo..rrrrrrsssssssstttt..uuuuuuuuuuuuwwyyyzzzzzz." +
		"................................oo.............uu..............." +
		".............aaiioouuuuuuuuuu.aaaa....ggkkoooo..j...gg..nnaa...." +
		"aaaaeeeeiiiioooorrrruuuusstt..hh......aaeeooooooooyy............" +
		"................"
	latinExtFrom = 0x1E00
	latinExtFold = "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm" +
		"mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv" +
		"wwwwwwwwwwxxxxyyzzzzzzhtwy......aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee" +
		"eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy......"
)

// foldRune is r as the search compares it: in lower case, a Latin letter
// with diacritics as its base letter.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	if i := int(r) - latinFoldFrom; i >= 0 && i < len(latinFold) && latinFold[i] != '.' {
		return rune(latinFold[i])
	}
	if i := int(r) - latinExtFrom; i >= 0 && i < len(latinExtFold) && latinExtFold[i] != '.' {
		return rune(latinExtFold[i])
	}
	return unicode.ToLower(r)
}
