package common

import (
	"errors"

	"switchboard/core"
)

// Conflict turns a refusal because the screen showed a stale work order (another
// dispatcher got there first, R-APP-4) into the console's sentence: who took or
// changed it and when, nothing of ours was written, and the screen now shows it
// as it is. ok is false for any other error, which is returned as it was.
func Conflict(err error) (out error, ok bool) {
	var ce *core.ConflictError
	if !errors.As(err, &ce) {
		return err, false
	}
	// What the other change was comes last: the footer cuts a long line at
	// the edge, and the screen itself now shows it.
	return Sentence(ce.Who() + ". Nothing was changed; the screen now shows it as it is: " + ce.What), true
}
