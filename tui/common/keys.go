package common

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key binding of the console, in one place. Screens copy the
// bindings they use (a key.Binding is a value) and enable or disable their copies,
// so help is always generated from what actually applies.
type KeyMap struct {
	// Global.
	Quit      key.Binding // outside text fields
	ForceQuit key.Binding // everywhere, also inside text fields
	Help      key.Binding
	Back      key.Binding
	Devices   key.Binding // section 8: devices and their QR stickers

	// Moving around lists and documents.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding

	// Work-order list.
	Open         key.Binding
	New          key.Binding
	Search       key.Binding
	AcceptSearch key.Binding
	ClearSearch  key.Binding
	StatusFilter key.Binding
	NodeFilter   key.Binding
	ClearFilters key.Binding
	Sort         key.Binding
	Reverse      key.Binding
	Reload       key.Binding

	// Forms.
	NextField  key.Binding
	PrevField  key.Binding
	PrevChoice key.Binding
	NextChoice key.Binding
	Save       key.Binding
}

// DefaultKeyMap returns the console's key bindings.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit:      b("q", "quit", "q", "ctrl+c"),
		ForceQuit: b("ctrl+c", "quit", "ctrl+c"),
		Help:      b("?", "help", "?"),
		Back:      b("esc", "back", "esc"),
		Devices:   b("8", "devices", "8"),

		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		PageUp:   b("pgup/b", "page up", "pgup", "b", "ctrl+b"),
		PageDown: b("pgdn/f", "page down", "pgdown", "f", "ctrl+f", " "),
		Home:     b("g/home", "first", "g", "home"),
		End:      b("G/end", "last", "G", "end"),

		Open:         b("enter", "open", "enter"),
		New:          b("n", "new work order", "n"),
		Search:       b("/", "search", "/"),
		AcceptSearch: b("enter", "keep search", "enter"),
		ClearSearch:  b("esc", "clear search", "esc"),
		StatusFilter: b("s/S", "status filter", "s", "S"),
		NodeFilter:   b("p/P", "node filter", "p", "P"),
		ClearFilters: b("c", "clear filters", "c"),
		Sort:         b("o", "sort by", "o"),
		Reverse:      b("r", "reverse sort", "r"),
		Reload:       b("ctrl+r", "reload", "ctrl+r"),

		NextField:  b("tab", "next field", "tab"),
		PrevField:  b("shift+tab", "previous field", "shift+tab"),
		PrevChoice: b("←", "previous choice", "left"),
		NextChoice: b("→/space", "next choice", "right", " "),
		Save:       b("ctrl+s", "save", "ctrl+s"),
	}
}

// Backward reports whether a cycling key was pressed with shift ("S" cycles the
// status filter the other way from "s").
func Backward(k string) bool {
	return len(k) == 1 && k[0] >= 'A' && k[0] <= 'Z'
}
