// Package tui is the Bubble Tea console. It talks to core.Service only.
package tui

import (
	"errors"
	"io"

	"switchboard/core"
)

// Options are what the console needs from its caller besides the service.
type Options struct {
	// DBPath is shown in the header so a user knows which database they are on.
	DBPath string
	// Input and Output default to the process's terminal.
	Input  io.Reader
	Output io.Writer
}

// Run opens the console on svc as the acting user until the user quits.
func Run(svc *core.Service, as core.Actor, opt Options) error {
	return errors.New("the console is not built yet")
}
