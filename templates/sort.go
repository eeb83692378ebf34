package templates

import "sort"

func sortStrings(s []string) { sort.Strings(s) }
