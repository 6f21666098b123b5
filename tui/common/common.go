// Package common holds what every console screen shares: the Common struct handed
// to each screen, the Screen interface, navigation and footer messages, the keymap,
// the styles and display-width text helpers. It has no mutable package state.
package common

import (
	"os"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
)

// Common is what the root model hands to every screen. The root owns it and keeps
// Width and Height current; screens read it and never store their own copies of
// the service, the user, the styles or the keys.
type Common struct {
	Svc    *core.Service
	Actor  core.Actor
	Styles *Styles
	Keys   *KeyMap
	// DBPath is the database file the console is on, shown in the header.
	DBPath string
	// Now is the console's clock for relative ages ("3d"); its location is the
	// time zone times are shown in.
	Now func() time.Time
	// Width and Height are the terminal's size.
	Width, Height int
	// Files saves files for the person at the console; nil when it cannot
	// (see SaveFile).
	Files FileSaver
}

// FileSaver writes a file a person asked for where they are — their own
// client process, their working directory or the path they typed, their
// permissions — and returns the path it wrote. It never replaces a file:
// a taken name gets a number ("x (2).pdf").
type FileSaver interface {
	SaveFile(name string, data []byte, mode os.FileMode) (path string, err error)
}

// SaveFile saves through c.Files, or says why the console cannot save here.
// FileReader reads files the person at the console names (a photo to
// attach): the console's Files implements it where it can.
type FileReader interface {
	ReadFile(name string, limit int64) ([]byte, error)
}

// ReadFile reads a file the person names, relative to their working
// directory, at most limit bytes.
func (c *Common) ReadFile(name string, limit int64) ([]byte, error) {
	r, ok := c.Files.(FileReader)
	if !ok {
		return nil, Sentence("This console cannot read your files (over SSH there is no program of yours on this machine): use the command line on your own machine, e.g. `switchboard report photo`.")
	}
	return r.ReadFile(name, limit)
}

func (c *Common) SaveFile(name string, data []byte, mode os.FileMode) (string, error) {
	if c.Files == nil {
		return "", Sentence("This console cannot save files (over SSH there is no program of yours on this machine to write them): use the command line, e.g. `switchboard report pdf`, on your own machine.")
	}
	return c.Files.SaveFile(name, data, mode)
}

// Location is the time zone the console shows times in: the clock's.
func (c *Common) Location() *time.Location { return c.Now().Location() }

// Screen is one page of the console. The root model routes key presses to the
// active screen, every other message to all open screens (each ignores what is not
// its own), and calls SetSize with the area between header and footer.
type Screen interface {
	// Init starts the screen's first I/O; it must not block.
	Init() tea.Cmd
	// Update handles one message and returns any I/O to run.
	Update(msg tea.Msg) tea.Cmd
	// View renders exactly the area given to SetSize.
	View() string
	// SetSize gives the screen its area in cells.
	SetSize(width, height int)
	// ShortHelp lists the keys shown in the footer.
	ShortHelp() []key.Binding
	// FullHelp lists the keys shown by "?", in columns.
	FullHelp() [][]key.Binding
	// Capturing reports whether typed characters go into a text field, so the root
	// must not take "q" or "?" as commands.
	Capturing() bool
}

// ScreenID names a screen for navigation.
type ScreenID int

// The screens.
const (
	WorkOrdersScreen ScreenID = iota
	DetailScreen
	NewWorkOrderScreen
	// Notification screens (tui/notify).
	NotificationsScreen
	OutboxScreen
	TemplateEditorScreen
	ChannelsScreen
	// BoardScreen is the dispatch board: the manual queue (R-DISP-2).
	BoardScreen
	// RulesScreen lists the dispatch rules in priority order (R-DISP-6).
	RulesScreen
	// TasksScreen is an engineer's task inbox (R-DISP-5).
	TasksScreen
	// DevicesScreen lists devices with their sticker QR codes (section 8).
	DevicesScreen
	// ProcessScreen configures each record type's process nodes (R-FLOW-1).
	ProcessScreen
	// ReportScreen is a work order's service report (R-REP-1, R-REP-2);
	// ReportFormScreen fills it (Arg "complete": and completes the service node).
	ReportScreen
	ReportFormScreen
	// IntakeScreen is the mail quarantine, mail log, mail rules and API keys
	// (R-IN-5, R-IN-6).
	IntakeScreen
	// EvalQRScreen is the engineer's full-screen evaluation QR code (R-EVAL-6).
	EvalQRScreen
	// RatingsScreen is the ratings section: CSAT report and evaluation record types.
	RatingsScreen
	// UsersScreen lists internal users: admins add them, change roles, disable (R-ROLE-1).
	UsersScreen
	// FollowUpScreen is the follow-up call queue (R-FU-5).
	FollowUpScreen
	// PeopleScreen lists accounts, contacts, providers and engineers.
	PeopleScreen
	// EditWorkOrderScreen edits a work order's fields (R-WO-5).
	EditWorkOrderScreen
)

// NavKind says how a NavigateMsg changes the screen stack.
type NavKind int

// Navigation kinds.
const (
	// Push opens a screen on top of the current one; Back returns to it.
	Push NavKind = iota
	// Replace swaps the current screen for another (a saved form becomes the
	// detail of what it created).
	Replace
	// Back closes the current screen.
	Back
)

// NavigateMsg asks the root to change screens.
type NavigateMsg struct {
	Kind NavKind
	To   ScreenID
	// Number is the work order a detail screen opens.
	Number string
	// Arg is any other argument a screen needs ("event/channel" for the
	// template editor).
	Arg string
	// Status, on Back, is said in the footer once the screen below shows: one
	// message, so the sentence cannot land before the screen that said it
	// closes.
	Status string
}

// NavigateCmd returns a command that navigates.
func NavigateCmd(kind NavKind, to ScreenID, number string) tea.Cmd {
	return func() tea.Msg { return NavigateMsg{Kind: kind, To: to, Number: number} }
}

// BackCmd closes the current screen.
func BackCmd() tea.Msg { return NavigateMsg{Kind: Back} }

// BackWithStatus closes the current screen and then says text in the footer.
func BackWithStatus(text string) tea.Cmd {
	return func() tea.Msg { return NavigateMsg{Kind: Back, Status: text} }
}

// StatusMsg puts a short confirmation in the footer.
type StatusMsg struct{ Text string }

// ErrorMsg puts an error sentence in the footer.
type ErrorMsg struct{ Err error }

// StatusCmd returns a command that shows text in the footer.
func StatusCmd(text string) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text} }
}

// ErrorCmd returns a command that shows err in the footer (nil for no error).
func ErrorCmd(err error) tea.Cmd {
	if err == nil {
		return nil
	}
	return func() tea.Msg { return ErrorMsg{Err: err} }
}

// WorkOrdersChangedMsg tells screens that work orders changed in the store (from
// this console, another console, the CLI or the web listener). The root coalesces
// bursts of changes into one message.
type WorkOrdersChangedMsg struct {
	// Numbers are the work orders known to have changed.
	Numbers map[string]bool
	// All is set when a change did not name its work order (an import).
	All bool
}

// Touches reports whether the change may concern work order number.
func (m WorkOrdersChangedMsg) Touches(number string) bool {
	return m.All || m.Numbers[number]
}

// NotifyChangedMsg tells screens that notification settings or the outbox
// changed (coalesced like WorkOrdersChangedMsg).
type NotifyChangedMsg struct{}

// RulesChangedMsg tells screens that rules were added, changed, moved or deleted,
// here or elsewhere.
type RulesChangedMsg struct{}

// Sentence is an error whose text is a whole sentence for a person, as the
// console's footer shows it.
type Sentence string

// Error returns the sentence.
func (s Sentence) Error() string { return string(s) }

// ProcessChangedMsg tells screens that a record type's process was changed,
// here or elsewhere (coalesced like WorkOrdersChangedMsg).
type ProcessChangedMsg struct{}

// IntakeChangedMsg tells screens that received mail, mail settings or API keys
// changed (coalesced like WorkOrdersChangedMsg).
type IntakeChangedMsg struct{}

// UsersChangedMsg tells screens that internal users (their roles, keys or
// disabled state) changed, here or elsewhere (coalesced like
// WorkOrdersChangedMsg).
type UsersChangedMsg struct{}

// FollowUpChangedMsg tells screens that follow-up tasks, teams, absences or
// settings changed, here or elsewhere (coalesced like WorkOrdersChangedMsg).
type FollowUpChangedMsg struct{}

// DevicesChangedMsg tells screens that devices were added or changed, here or
// elsewhere (coalesced like WorkOrdersChangedMsg).
type DevicesChangedMsg struct{}

// PeopleChangedMsg tells screens that contacts, accounts, terminal users,
// providers or engineers changed, here or elsewhere (coalesced like
// WorkOrdersChangedMsg).
type PeopleChangedMsg struct{}

// SetFilterMsg asks a list screen to show only the rows matching Text (the
// palette's "a customer's work orders").
type SetFilterMsg struct{ Text string }

// ApplyViewMsg asks a list screen to take a saved view's filter and sort.
type ApplyViewMsg struct{ View core.SavedView }

// ThemeChangedMsg tells screens the colours changed: what they rendered and
// kept must be drawn again.
type ThemeChangedMsg struct{}

// ViewsChangedMsg tells screens that the user's saved views changed.
type ViewsChangedMsg struct{}

// OpenPaletteMsg opens the command palette with Query typed.
type OpenPaletteMsg struct{ Query string }
