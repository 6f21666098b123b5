package main

import (
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

func widthOf(s string) int { return runewidth.StringWidth(s) }

// TestTableAlignsWideText: columns line up by display width with Chinese text,
// and overlong cells are cut with an ellipsis.
func TestTableAlignsWideText(t *testing.T) {
	tb := &table{head: []string{"NAME", "ACCOUNT", "X"}, max: []int{0, 10, 0}}
	tb.add("王伟", "上海华东制冷设备有限公司", "a")
	tb.add("Mary Smith", "Northwind", "b")
	var b strings.Builder
	if err := tb.write(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	col := displayCol(lines[0], "X")
	for _, l := range lines[1:] {
		if got := widthOf(l) - 1; got != col {
			t.Errorf("last column at %d, want %d:\n%s", got, col, b.String())
		}
	}
	if !strings.Contains(lines[1], "上海华东…") {
		t.Errorf("long cell not cut: %q", lines[1])
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
