package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"switchboard/tui"
)

// TestEveryCommandHasAConsoleTwin (issue 17): every action command of the CLI
// has its twin in the console (tui.Twins, whose keys tui's tests find on their
// screens) or is in the short list of commands that make no sense there
// (tui.NoTwin), with its reason; neither list names a command that is gone.
func TestEveryCommandHasAConsoleTwin(t *testing.T) {
	var leaves []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.HasSubCommands() && c.IsAvailableCommand() && c.Parent() != nil {
			leaves = append(leaves, strings.TrimPrefix(c.CommandPath(), "switchboard "))
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRoot(&app{}))
	if len(leaves) < 100 {
		t.Fatalf("only %d commands found: %v", len(leaves), leaves)
	}
	twins := map[string]bool{}
	for _, tw := range tui.Twins {
		twins[tw.Command] = true
	}
	for _, l := range leaves {
		if !twins[l] && tui.NoTwin[l] == "" {
			t.Errorf("switchboard %s has no console twin: add its key to tui.Twins, or its reason to tui.NoTwin", l)
		}
		if twins[l] && tui.NoTwin[l] != "" {
			t.Errorf("switchboard %s is in both tui.Twins and tui.NoTwin", l)
		}
	}
	for c := range twins {
		if !slices.Contains(leaves, c) {
			t.Errorf("tui.Twins names switchboard %s, which is no command", c)
		}
	}
	for c := range tui.NoTwin {
		if !slices.Contains(leaves, c) {
			t.Errorf("tui.NoTwin names switchboard %s, which is no command", c)
		}
	}
	if len(tui.NoTwin) > 17 {
		t.Errorf("tui.NoTwin has %d commands: keep it short", len(tui.NoTwin))
	}
}
