package tui

import (
	"switchboard/tui/board"
	"switchboard/tui/common"
	"switchboard/tui/devices"
	"switchboard/tui/followup"
	"switchboard/tui/intake"
	"switchboard/tui/notify"
	"switchboard/tui/process"
	"switchboard/tui/ratings"
	"switchboard/tui/rules"
	"switchboard/tui/tasks"
	"switchboard/tui/workorders"
)

// section is one top-level screen of the console, shown as a tab in the header and
// reached from anywhere outside a text field with its digit key.
type section struct {
	id    common.ScreenID
	title string // the tab's label
	short string // the label when the header is narrow
	help  string // the digit's description in help
	open  func(c *common.Common) common.Screen
}

// sections are the console's top-level screens in tab order: sections[i] is
// reached with the digit i+1 (the tenth with 0). New sections go at the end;
// nothing else in the root needs to change.
var sections = []section{
	{common.WorkOrdersScreen, "Work orders", "Orders", "work orders", func(c *common.Common) common.Screen { return workorders.New(c) }},
	{common.BoardScreen, "Dispatch", "Board", "dispatch board", func(c *common.Common) common.Screen { return board.New(c) }},
	{common.RulesScreen, "Rules", "Rules", "dispatch rules", func(c *common.Common) common.Screen { return rules.New(c) }},
	{common.TasksScreen, "My tasks", "Tasks", "my tasks", func(c *common.Common) common.Screen { return tasks.New(c) }},
	{common.NotificationsScreen, "Notices", "Notify", "notification presets", func(c *common.Common) common.Screen { return notify.NewMatrix(c) }},
	{common.OutboxScreen, "Outbox", "Outbox", "outbox", func(c *common.Common) common.Screen { return notify.NewOutbox(c) }},
	{common.DevicesScreen, "Devices", "Devices", "devices and their QR stickers", func(c *common.Common) common.Screen { return devices.New(c) }},
	{common.ProcessScreen, "Process", "Process", "process nodes per record type", func(c *common.Common) common.Screen { return process.New(c) }},
	{common.IntakeScreen, "Intake", "Intake", "mail intake and API keys", func(c *common.Common) common.Screen { return intake.New(c) }},
	{common.RatingsScreen, "Ratings", "Ratings", "ratings: CSAT report and evaluation types", func(c *common.Common) common.Screen { return ratings.New(c) }},
	{common.FollowUpScreen, "Follow-up", "Calls", "follow-up call queue", func(c *common.Common) common.Screen { return followup.New(c) }},
}

// sectionOf returns the index of the section whose first screen is id, or -1.
func sectionOf(id common.ScreenID) int {
	for i, s := range sections {
		if s.id == id {
			return i
		}
	}
	return -1
}
