package rules

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"switchboard/core"
	"switchboard/tui/common"
)

func TestConjuncts(t *testing.T) {
	for src, want := range map[string][]string{
		`record_type == "Repair" && region in ["East", "North"]`: {`record_type == "Repair"`, `region in ["East", "North"]`},
		`a == 1`: {`a == 1`},
		`(region == "East" || region == "North") and priority == "high"`: {`region == "East" || region == "North"`, `priority == "high"`},
		`region == `: {`region ==`},
	} {
		if got := conjuncts(src); !slices.Equal(got, want) {
			t.Errorf("conjuncts(%q) = %q, want %q", src, got, want)
		}
	}
	if got := identifiers(`region in ["East"] && priority != region`); !slices.Equal(got, []string{"priority", "region"}) {
		t.Errorf("identifiers = %v", got)
	}
}

func TestEnvValues(t *testing.T) {
	w := core.WorkOrder{RecordType: "Repair", Region: "", AccountID: 7, Subject: "空调"}
	v := envValues(core.EnvFor(&w, 0))
	for k, want := range map[string]string{"record_type": `"Repair"`, "region": "empty", "account_id": "7", "subject": `"空调"`} {
		if v[k] != want {
			t.Errorf("%s = %q, want %q", k, v[k], want)
		}
	}
	if len(v) != len(core.RuleFields()) {
		t.Errorf("%d values for %d condition fields", len(v), len(core.RuleFields()))
	}
}

func TestCaretLine(t *testing.T) {
	text, caret := common.CaretLine(`region == "East" && prio == 1`, 1, 21, 40)
	if text != `region == "East" && prio == 1` || caret != strings.Repeat(" ", 20)+"^" {
		t.Errorf("caret %q under %q", caret, text)
	}
	// A long line slides so the caret stays in view; the column counts characters
	// (as the compiler reports it), and Chinese ones take two cells.
	src := `subject contains "空调不制冷需要上门检查" && regoin == "East"`
	col := utf8.RuneCountInString(src[:strings.Index(src, "regoin")]) + 1
	if _, err := core.CompileCondition(src); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("at 1:%d:", col)) {
		t.Fatalf("the compiler should report column %d: %v", col, err)
	}
	text, caret = common.CaretLine(src, 1, col, 24)
	i := strings.Index(caret, "^")
	if !strings.HasPrefix(text, "…") || i < 0 {
		t.Fatalf("caret %q under %q", caret, text)
	}
	if !strings.HasPrefix(strings.TrimPrefix(cut(text, i), "…"), "regoin") {
		t.Errorf("caret at %d should point at regoin in %q", i, text)
	}
}

// cut returns s from display cell i on.
func cut(s string, i int) string {
	w := 0
	for j, r := range s {
		if w >= i {
			return s[j:]
		}
		if r >= 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return ""
}
