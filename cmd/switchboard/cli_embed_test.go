package main

import (
	"strings"
	"testing"
)

// TestEmbedCLI (R-IN-7, issue 20.2): an admin names the sites that may frame
// the smart form, sees them, and clears them; a path is refused with a sentence.
func TestEmbedCLI(t *testing.T) {
	d := newDB(t)
	if out := d.ok("embed"); !strings.Contains(out, "No site may frame") {
		t.Fatalf("empty: %s", out)
	}
	d.ok("embed", "https://www.example.com", "shop.example.com")
	var origins []string
	d.okJSON(&origins, "embed", "--json")
	if len(origins) != 2 || origins[1] != "https://shop.example.com" {
		t.Fatalf("origins %v", origins)
	}
	if r := d.run("embed", "https://www.example.com/page"); r.code != 1 || !strings.Contains(r.stderr, "no path") {
		t.Fatalf("a path: %d %s", r.code, r.stderr)
	}
	d.ok("embed", "--clear")
	d.okJSON(&origins, "embed", "--json")
	if len(origins) != 0 {
		t.Fatalf("after --clear: %v", origins)
	}
}
