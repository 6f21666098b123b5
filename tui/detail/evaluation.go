package detail

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// evalQR is the key that opens the engineer's evaluation QR screen (R-EVAL-6);
// it applies while the work order waits at the evaluation node.
func (m *Model) evalQR() key.Binding {
	b := m.keys.evalQR
	b.SetEnabled(m.wo != nil && m.wo.Node == core.NodeEvaluation && m.wo.Status.Open())
	return b
}

// evalQRCmd opens the QR screen when the key applies.
func (m *Model) evalQRCmd(msg tea.KeyMsg) (tea.Cmd, bool) {
	b := m.evalQR()
	if !key.Matches(msg, b) {
		return nil, false
	}
	return common.NavigateCmd(common.Push, common.EvalQRScreen, m.number), true
}
