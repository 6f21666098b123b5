package common

import "strings"

// ShortDispatchReason condenses the engine's reason for leaving a work order in
// the manual queue to fit a column: instead of each rule and the part of it that
// failed (which the full reason gives), the work-order values those parts read,
// which are what a dispatcher compares with the rules. E.g.
//
//	no automatic dispatch rule matched (5 tried): #1 East: region == "East" is
//	false (region is "West"); #2 …
//
// becomes `none of 5 rules: region is "West", …`. Reasons of another shape are
// returned as they are.
func ShortDispatchReason(r string) string {
	const matched = "no automatic dispatch rule matched ("
	switch {
	case r == "":
		return ""
	case strings.HasPrefix(r, "no automatic dispatch rules are configured"):
		return "no rules configured"
	case !strings.HasPrefix(r, matched):
		return r
	}
	head, rest, ok := strings.Cut(r[len(matched):], "): ")
	if !ok {
		return r
	}
	n := strings.TrimSuffix(head, " tried")
	var facts []string
	seen := map[string]bool{}
	for _, item := range strings.Split(rest, "; ") {
		i := strings.LastIndex(item, " (")
		if i < 0 || !strings.HasSuffix(item, ")") {
			continue
		}
		for _, f := range strings.Split(item[i+2:len(item)-1], ", ") {
			if f != "" && f != "no fields involved" && !seen[f] {
				seen[f] = true
				facts = append(facts, f)
			}
		}
	}
	if len(facts) == 0 {
		return "none of " + n + " rules matched"
	}
	return "none of " + n + " rules: " + strings.Join(facts, ", ")
}
