// Package tui is the Bubble Tea console. It talks to core.Service only.
package tui

import (
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"switchboard/core"
	"switchboard/tui/common"
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
	// Renderer draws the styles; nil means a new one for Output, with the colour
	// profile and background detected from that terminal.
	Renderer *lipgloss.Renderer
	// Files saves what a person asks for (a PDF, a sticker sheet) where they
	// are: their client process, their working directory. nil: saving is not
	// available (an SSH session has no process of the user's on this machine).
	Files common.FileSaver
	// Theme names the colours: auto (follow the terminal's background), dark,
	// light or high-contrast. NO_COLOR is the renderer's affair (no colour).
	Theme string
	// Mouse turns the mouse on: the wheel scrolls, a click selects.
	Mouse bool
	// ProgramOptions are added to the Bubble Tea program's options (for example
	// tea.WithEnvironment or tea.WithoutSignalHandler for a remote terminal).
	ProgramOptions []tea.ProgramOption
}

// Run opens the console on svc as the acting user until the user quits. It
// returns an error saying why when the console closed by itself (an admin
// disabled the user meanwhile).
func Run(svc *core.Service, as core.Actor, opt Options) error {
	p, done := Program(svc, as, opt)
	defer done()
	final, err := p.Run()
	if err != nil {
		return err
	}
	return Ended(final)
}

// Program builds the console's Bubble Tea program without running it, for callers
// that drive a console for another terminal (the server's attached clients, SSH
// sessions): they pass Input, Output and a Renderer set to that terminal's colour
// profile, send tea.WindowSizeMsg themselves, and call done after Run returns to
// end the console's live updates.
func Program(svc *core.Service, as core.Actor, opt Options) (p *tea.Program, done func()) {
	out := opt.Output
	if out == nil {
		out = os.Stdout
	}
	r := opt.Renderer
	if r == nil {
		r = lipgloss.NewRenderer(out)
		// Ask the terminal for its background now, before Bubble Tea owns its
		// input; the answer is cached for the adaptive colours.
		r.HasDarkBackground()
	}
	m := newModel(svc, as, opt, r)
	popts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithOutput(out)}
	if opt.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	if opt.Input != nil {
		popts = append(popts, tea.WithInput(opt.Input))
	}
	popts = append(popts, opt.ProgramOptions...)
	return tea.NewProgram(m, popts...), func() { m.Close() }
}

// New returns the console's root model, for tests and for embedding. It draws with
// opt.Renderer, or lipgloss's default renderer; call Close (or quit) to end its
// live updates.
func New(svc *core.Service, as core.Actor, opt Options) tea.Model {
	r := opt.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	return newModel(svc, as, opt, r)
}
