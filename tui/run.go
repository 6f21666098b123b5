// Package tui is the Bubble Tea console. It talks to core.Service only.
package tui

import (
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"switchboard/core"
)

// Options are what the console needs from its caller besides the service.
type Options struct {
	// DBPath is shown in the header so a user knows which database they are on.
	DBPath string
	// Input and Output default to the process's terminal.
	Input  io.Reader
	Output io.Writer
	// Now is the clock relative ages ("3d") are measured against; its location is
	// the time zone times are shown in. Default time.Now. Tests pass a fixed time.
	Now func() time.Time
	// WebURL is where the web listener in this process serves customers' links,
	// shown in the header; WebProblem, when set, says why it is not running and is
	// shown in the footer at start.
	WebURL     string
	WebProblem string
}

// Run opens the console on svc as the acting user until the user quits.
func Run(svc *core.Service, as core.Actor, opt Options) error {
	out := opt.Output
	if out == nil {
		out = os.Stdout
	}
	r := lipgloss.NewRenderer(out)
	// Ask the terminal for its background now, before Bubble Tea owns its input;
	// the answer is cached for the adaptive colours.
	r.HasDarkBackground()
	m := newModel(svc, as, opt, r)
	defer m.Close()
	popts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithOutput(out)}
	if opt.Input != nil {
		popts = append(popts, tea.WithInput(opt.Input))
	}
	_, err := tea.NewProgram(m, popts...).Run()
	return err
}

// New returns the console's root model, for tests and for embedding. It draws with
// lipgloss's default renderer; call Close (or quit) to end its live updates.
func New(svc *core.Service, as core.Actor, opt Options) tea.Model {
	return newModel(svc, as, opt, lipgloss.DefaultRenderer())
}
