package common

import (
	"strconv"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"switchboard/core"
)

// Theme is the console's palette. Every colour adapts to a light or dark terminal;
// screens never name a colour, they use Styles.
type Theme struct {
	Accent    lipgloss.AdaptiveColor
	Text      lipgloss.AdaptiveColor
	Muted     lipgloss.AdaptiveColor
	Subtle    lipgloss.AdaptiveColor
	Error     lipgloss.AdaptiveColor
	Success   lipgloss.AdaptiveColor
	Warning   lipgloss.AdaptiveColor
	BarFg     lipgloss.AdaptiveColor
	BarBg     lipgloss.AdaptiveColor
	CursorFg  lipgloss.AdaptiveColor
	CursorBg  lipgloss.AdaptiveColor
	Completed lipgloss.AdaptiveColor
}

// resolve turns every colour of t into the one r draws, once: a hex colour on
// a 256- or 16-colour terminal is matched to the nearest palette entry by a
// perceptual distance that costs more than the rest of a frame, so doing it in
// every Render made fifty attached consoles spend a quarter of the server's
// time on it.
func (t Theme) resolve(r *lipgloss.Renderer) Theme {
	p, dark := r.ColorProfile(), r.HasDarkBackground()
	fix := func(c lipgloss.AdaptiveColor) lipgloss.AdaptiveColor {
		v := c.Light
		if dark {
			v = c.Dark
		}
		switch col := p.Color(v).(type) {
		case termenv.ANSI256Color:
			v = strconv.Itoa(int(col))
		case termenv.ANSIColor:
			v = strconv.Itoa(int(col))
		}
		return lipgloss.AdaptiveColor{Light: v, Dark: v}
	}
	return Theme{
		Accent: fix(t.Accent), Text: fix(t.Text), Muted: fix(t.Muted), Subtle: fix(t.Subtle),
		Error: fix(t.Error), Success: fix(t.Success), Warning: fix(t.Warning),
		BarFg: fix(t.BarFg), BarBg: fix(t.BarBg), CursorFg: fix(t.CursorFg), CursorBg: fix(t.CursorBg),
		Completed: fix(t.Completed),
	}
}

// ThemeNames are the themes a user can pick (--theme, SWITCHBOARD_THEME, the
// palette's "theme"): auto follows the terminal's background.
var ThemeNames = []string{"auto", "dark", "light", "high-contrast"}

// ThemeByName returns the theme called name, or the default (auto) with ok
// false for a name it does not know.
func ThemeByName(name string) (t Theme, ok bool) {
	d := DefaultTheme()
	fixed := func(pick func(lipgloss.AdaptiveColor) string) Theme {
		f := func(c lipgloss.AdaptiveColor) lipgloss.AdaptiveColor {
			v := pick(c)
			return lipgloss.AdaptiveColor{Light: v, Dark: v}
		}
		return Theme{
			Accent: f(d.Accent), Text: f(d.Text), Muted: f(d.Muted), Subtle: f(d.Subtle),
			Error: f(d.Error), Success: f(d.Success), Warning: f(d.Warning),
			BarFg: f(d.BarFg), BarBg: f(d.BarBg), CursorFg: f(d.CursorFg), CursorBg: f(d.CursorBg),
			Completed: f(d.Completed),
		}
	}
	switch name {
	case "", "auto":
		return d, true
	case "dark":
		return fixed(func(c lipgloss.AdaptiveColor) string { return c.Dark }), true
	case "light":
		return fixed(func(c lipgloss.AdaptiveColor) string { return c.Light }), true
	case "high-contrast":
		return HighContrastTheme(), true
	}
	return d, false
}

// HighContrastTheme uses only the strongest colours, on either background:
// for low vision, projectors and washed-out screens.
func HighContrastTheme() Theme {
	a := func(light, dark string) lipgloss.AdaptiveColor {
		return lipgloss.AdaptiveColor{Light: light, Dark: dark}
	}
	return Theme{
		Accent:    a("#0000CC", "#FFFF00"),
		Text:      a("#000000", "#FFFFFF"),
		Muted:     a("#000000", "#FFFFFF"),
		Subtle:    a("#333333", "#DDDDDD"),
		Error:     a("#B00000", "#FF5555"),
		Success:   a("#005F00", "#55FF55"),
		Warning:   a("#7A3E00", "#FFAF00"),
		BarFg:     a("#FFFFFF", "#000000"),
		BarBg:     a("#000000", "#FFFFFF"),
		CursorFg:  a("#FFFFFF", "#000000"),
		CursorBg:  a("#0000CC", "#FFFF00"),
		Completed: a("#005F00", "#55FF55"),
	}
}

// DefaultTheme is the palette the console ships with.
func DefaultTheme() Theme {
	return Theme{
		Accent:    lipgloss.AdaptiveColor{Light: "#5A3FD9", Dark: "#A99BFF"},
		Text:      lipgloss.AdaptiveColor{Light: "#1A1A1A", Dark: "#E6E6E6"},
		Muted:     lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8A8A8A"},
		Subtle:    lipgloss.AdaptiveColor{Light: "#A0A0A0", Dark: "#5C5C5C"},
		Error:     lipgloss.AdaptiveColor{Light: "#C0262D", Dark: "#FF6B6B"},
		Success:   lipgloss.AdaptiveColor{Light: "#1E7A34", Dark: "#62D47B"},
		Warning:   lipgloss.AdaptiveColor{Light: "#9A6200", Dark: "#F2B84B"},
		BarFg:     lipgloss.AdaptiveColor{Light: "#FFFFFF", Dark: "#FFFFFF"},
		BarBg:     lipgloss.AdaptiveColor{Light: "#4B3BB0", Dark: "#3B2F8A"},
		CursorFg:  lipgloss.AdaptiveColor{Light: "#000000", Dark: "#FFFFFF"},
		CursorBg:  lipgloss.AdaptiveColor{Light: "#D9D2FF", Dark: "#3E3670"},
		Completed: lipgloss.AdaptiveColor{Light: "#4F6F52", Dark: "#86A789"},
	}
}

// Styles are every style the console renders with, built once from a Theme.
type Styles struct {
	// Frame.
	Header     lipgloss.Style
	HeaderName lipgloss.Style
	HeaderInfo lipgloss.Style
	StatusOK   lipgloss.Style
	StatusErr  lipgloss.Style
	TooSmall   lipgloss.Style
	Help       help.Styles
	// Tab and ActiveTab draw the section tabs in the header.
	Tab       lipgloss.Style
	ActiveTab lipgloss.Style

	// Common text.
	Title   lipgloss.Style
	Section lipgloss.Style
	Label   lipgloss.Style
	Value   lipgloss.Style
	Muted   lipgloss.Style
	Error   lipgloss.Style
	Spinner lipgloss.Style

	// Lists.
	FilterKey   lipgloss.Style
	FilterValue lipgloss.Style
	TableHeader lipgloss.Style
	Row         lipgloss.Style
	SelectedRow lipgloss.Style
	Placeholder lipgloss.Style
	Status      map[core.Status]lipgloss.Style
	Priority    map[core.Priority]lipgloss.Style
	// Overdue marks work past its due time; Marked a row picked for a bulk action.
	Overdue lipgloss.Style
	Marked  lipgloss.Style
	// Match and NoMatch colour a rule test's verdicts; Disabled a switched-off rule.
	Match    lipgloss.Style
	NoMatch  lipgloss.Style
	Disabled lipgloss.Style

	// Forms.
	FieldLabel        lipgloss.Style
	FocusedFieldLabel lipgloss.Style
	FieldError        lipgloss.Style
	Banner            lipgloss.Style
	Choice            lipgloss.Style
	SelectedChoice    lipgloss.Style
	InputPrompt       lipgloss.Style
	InputText         lipgloss.Style
	InputPlaceholder  lipgloss.Style

	// QR draws QR codes light on dark whatever the terminal's theme, so phones
	// read them the same everywhere; Bar and BarTrack draw report bar charts.
	QR       lipgloss.Style
	Bar      lipgloss.Style
	BarTrack lipgloss.Style
}

// NewStyles builds the styles for r, the renderer of the terminal the console draws
// on (its colour profile and background decide how the adaptive colours come out).
func NewStyles(r *lipgloss.Renderer, t Theme) *Styles {
	t = t.resolve(r)
	n := r.NewStyle
	s := &Styles{
		Header:     n().Foreground(t.BarFg).Background(t.BarBg),
		HeaderName: n().Foreground(t.BarFg).Background(t.BarBg).Bold(true),
		HeaderInfo: n().Foreground(t.BarFg).Background(t.BarBg),
		StatusOK:   n().Foreground(t.Success),
		StatusErr:  n().Foreground(t.Error).Bold(true),
		TooSmall:   n().Foreground(t.Warning).Bold(true),
		Tab:        n().Foreground(t.BarFg).Background(t.BarBg),
		ActiveTab:  n().Foreground(t.CursorFg).Background(t.CursorBg).Bold(true),

		Title:   n().Foreground(t.Accent).Bold(true),
		Section: n().Foreground(t.Accent).Bold(true),
		Label:   n().Foreground(t.Muted),
		Value:   n().Foreground(t.Text),
		Muted:   n().Foreground(t.Muted),
		Error:   n().Foreground(t.Error),
		Spinner: n().Foreground(t.Accent),

		FilterKey:   n().Foreground(t.Muted),
		FilterValue: n().Foreground(t.Accent).Bold(true),
		TableHeader: n().Foreground(t.Muted).Bold(true),
		Row:         n().Foreground(t.Text),
		SelectedRow: n().Foreground(t.CursorFg).Background(t.CursorBg).Bold(true),
		Placeholder: n().Foreground(t.Subtle),
		Overdue:     n().Foreground(t.Error).Bold(true),
		Marked:      n().Foreground(t.Accent).Bold(true),
		Match:       n().Foreground(t.Success).Bold(true),
		NoMatch:     n().Foreground(t.Error),
		Disabled:    n().Foreground(t.Subtle),

		FieldLabel:        n().Foreground(t.Muted),
		FocusedFieldLabel: n().Foreground(t.Accent).Bold(true),
		FieldError:        n().Foreground(t.Error),
		Banner:            n().Foreground(t.Error).Bold(true),
		Choice:            n().Foreground(t.Muted),
		SelectedChoice:    n().Foreground(t.Accent).Bold(true),
		InputPrompt:       n().Foreground(t.Accent),
		InputText:         n().Foreground(t.Text),
		InputPlaceholder:  n().Foreground(t.Subtle),

		QR:       n().Foreground(lipgloss.Color("#FFFFFF")).Background(lipgloss.Color("#000000")),
		Bar:      n().Foreground(t.Accent),
		BarTrack: n().Foreground(t.Subtle),
	}
	s.Status = map[core.Status]lipgloss.Style{
		core.StatusNew:        n().Foreground(t.Warning),
		core.StatusAssigned:   n().Foreground(t.Accent),
		core.StatusInProgress: n().Foreground(t.Success),
		core.StatusCompleted:  n().Foreground(t.Completed),
		core.StatusTerminated: n().Foreground(t.Subtle),
	}
	s.Priority = map[core.Priority]lipgloss.Style{
		core.PriorityLow:    n().Foreground(t.Subtle),
		core.PriorityNormal: n().Foreground(t.Text),
		core.PriorityHigh:   n().Foreground(t.Warning),
		core.PriorityUrgent: n().Foreground(t.Error).Bold(true),
	}
	s.Help = help.Styles{
		Ellipsis:       n().Foreground(t.Subtle),
		ShortKey:       n().Foreground(t.Accent),
		ShortDesc:      n().Foreground(t.Muted),
		ShortSeparator: n().Foreground(t.Subtle),
		FullKey:        n().Foreground(t.Accent),
		FullDesc:       n().Foreground(t.Muted),
		FullSeparator:  n().Foreground(t.Subtle),
	}
	return s
}
