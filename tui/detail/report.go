package detail

import (
	"strings"

	"switchboard/core"
)

// reportSection shows whether the service report is signed, unsigned or changed
// since signing (R-REP-2), and how to reach it.
func (m *Model) reportSection(b *strings.Builder) {
	st := m.report
	how := "v opens it"
	switch {
	case st.State == core.ReportNone && m.wo.Node == core.NodeService:
		how = "c completes service with it; f fills it first"
	case st.State == core.ReportNone || st.State == core.ReportDrafted:
		how = "f fills it; v opens it"
	case st.State == core.ReportUnsigned || st.State == core.ReportChanged:
		how = "v opens it; i there invites the customer to sign"
	}
	m.section(b, "Service report", []field{
		{"Status", st.Summary()},
		{"Keys", how},
	})
}
