package process

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// The object types a terminal task may let customers create besides a
// device (issue 20.12), edited on one form: a line per type,
//
//	name | Label | key:Label*, key:Label
//
// (* marks a required field), and an empty line for a new one; clearing a
// type's line removes it. The twin of `switchboard object add|list|rm`.

type objectsMsg struct {
	types []core.ObjectType
	err   error
}

type objectsSavedMsg struct {
	what string
	err  error
}

var objectsKey = key.NewBinding(key.WithKeys("O"), key.WithHelp("O", "object types"))

func loadObjectsCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		ts, err := svc.ObjectTypes()
		return objectsMsg{ts, err}
	}
}

// objectLine is a type as one line of the form.
func objectLine(t core.ObjectType) string {
	var fs []string
	for _, f := range t.Fields {
		s := f.Key + ":" + f.Label
		if f.Required {
			s += "*"
		}
		fs = append(fs, s)
	}
	return t.Name + " | " + t.Label + " | " + strings.Join(fs, ", ")
}

// parseObjectLine reads a line back.
func parseObjectLine(line string) (core.ObjectType, error) {
	parts := strings.Split(line, "|")
	if len(parts) != 3 {
		return core.ObjectType{}, core.Invalid("objects", "%q: write name | Label | key:Label*, key:Label.", line)
	}
	t := core.ObjectType{Name: strings.TrimSpace(parts[0]), Label: strings.TrimSpace(parts[1])}
	for _, f := range strings.Split(parts[2], ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		of := core.ObjectField{}
		if strings.HasSuffix(f, "*") {
			of.Required, f = true, strings.TrimSuffix(f, "*")
		}
		k, l, _ := strings.Cut(f, ":")
		of.Key, of.Label = strings.TrimSpace(k), strings.TrimSpace(l)
		t.Fields = append(t.Fields, of)
	}
	return t, nil
}

func (m *Model) openObjects(ts []core.ObjectType) tea.Cmd {
	m.objTypes = ts
	var fields []common.Field
	for _, t := range ts {
		fields = append(fields, common.NewTextField(m.c, t.Name, t.Name, objectLine(t), 400).WithPlaceholder("empty removes it"))
	}
	fields = append(fields, common.NewTextField(m.c, "new", "new", "", 400).WithPlaceholder("payment | Payment fee | amount:Amount*, method:Method"))
	m.objForm = common.NewForm(m.c, "Object types a terminal task may create (besides a device)", fields...)
	m.objForm.Note = "name | Label | key:Label*, key:Label — * marks a required field; choose one in a terminal-task node's settings"
	m.objForm.SetSize(m.width, m.height)
	m.mode = modeObjects
	return m.objForm.Init()
}

func (m *Model) saveObjectsCmd() tea.Cmd {
	svc, as := m.c.Svc, m.c.Actor
	vals := map[string]string{}
	for _, f := range m.objForm.Fields() {
		vals[f.Name()] = f.(*common.TextField).Value()
	}
	was := m.objTypes
	return func() tea.Msg {
		n := 0
		for _, t := range was {
			line := strings.TrimSpace(vals[t.Name])
			switch {
			case line == "":
				if err := svc.RemoveObjectType(as, t.Name); err != nil {
					return objectsSavedMsg{err: core.Invalid(t.Name, "%s", err.Error())}
				}
				n++
			case line != objectLine(t):
				nt, err := parseObjectLine(line)
				if err == nil {
					_, err = svc.SaveObjectType(as, nt)
				}
				if err != nil {
					return objectsSavedMsg{err: core.Invalid(t.Name, "%s", err.Error())}
				}
				n++
			}
		}
		if line := strings.TrimSpace(vals["new"]); line != "" {
			nt, err := parseObjectLine(line)
			if err == nil {
				_, err = svc.SaveObjectType(as, nt)
			}
			if err != nil {
				return objectsSavedMsg{err: core.Invalid("new", "%s", err.Error())}
			}
			n++
		}
		return objectsSavedMsg{what: fmt.Sprintf("Object types saved (%d changed).", n)}
	}
}

func (m *Model) objectsKeyCmd(msg tea.KeyMsg) tea.Cmd {
	cmd, ev := m.objForm.Update(msg)
	switch ev {
	case common.FormCancel:
		m.objForm, m.mode = nil, modeList
	case common.FormSave:
		return tea.Batch(m.objForm.StartSaving(), m.saveObjectsCmd())
	}
	return cmd
}
