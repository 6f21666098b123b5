package tui

import (
	"slices"

	"switchboard/core"
	"switchboard/tui/board"
	"switchboard/tui/common"
	"switchboard/tui/devices"
	"switchboard/tui/followup"
	"switchboard/tui/intake"
	"switchboard/tui/notify"
	"switchboard/tui/people"
	"switchboard/tui/process"
	"switchboard/tui/ratings"
	"switchboard/tui/rules"
	"switchboard/tui/tasks"
	"switchboard/tui/users"
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
	// roles may see the section (R-ROLE-1); nil means every internal user. The
	// service still decides every action; hiding a section only spares a user
	// a screen of things they may not do.
	roles []core.Role
}

// Who sees what (R-ROLE-1): configuration (notification presets, processes,
// users) only admins; the dispatch board also call-center agents (read only:
// they answer "when will someone come?"); tasks the engineers; ratings also
// follow-up agents.
var (
	sectionDispatchers = []core.Role{core.RoleAdmin, core.RoleDispatcher}
	sectionDesk        = []core.Role{core.RoleAdmin, core.RoleDispatcher, core.RoleCallCenter}
	sectionAdmins      = []core.Role{core.RoleAdmin}
)

// sections are the console's top-level screens in tab order. A user sees the
// ones their roles permit, numbered 1…9 and 0 in this order; sections beyond the
// tenth are reached with > and < (next and previous section). New sections go at
// the end; nothing else in the root needs to change.
var sections = []section{
	{common.WorkOrdersScreen, "Work orders", "Orders", "work orders", func(c *common.Common) common.Screen { return workorders.New(c) }, nil},
	{common.BoardScreen, "Dispatch", "Board", "dispatch board", func(c *common.Common) common.Screen { return board.New(c) }, sectionDesk},
	{common.RulesScreen, "Rules", "Rules", "dispatch rules", func(c *common.Common) common.Screen { return rules.New(c) }, sectionDispatchers},
	{common.TasksScreen, "My tasks", "Tasks", "my tasks", func(c *common.Common) common.Screen { return tasks.New(c) }, []core.Role{core.RoleAdmin, core.RoleDispatcher, core.RoleEngineer}},
	{common.NotificationsScreen, "Notices", "Notify", "notification presets", func(c *common.Common) common.Screen { return notify.NewMatrix(c) }, sectionAdmins},
	{common.OutboxScreen, "Outbox", "Outbox", "outbox", func(c *common.Common) common.Screen { return notify.NewOutbox(c) }, sectionDesk},
	{common.DevicesScreen, "Devices", "Devices", "devices and their QR stickers", func(c *common.Common) common.Screen { return devices.New(c) }, sectionDesk},
	{common.ProcessScreen, "Process", "Process", "process nodes per record type", func(c *common.Common) common.Screen { return process.New(c) }, sectionAdmins},
	{common.IntakeScreen, "Intake", "Intake", "mail intake and API keys", func(c *common.Common) common.Screen { return intake.New(c) }, sectionDispatchers},
	{common.RatingsScreen, "Ratings", "Ratings", "ratings: CSAT report and evaluation types", func(c *common.Common) common.Screen { return ratings.New(c) }, []core.Role{core.RoleAdmin, core.RoleDispatcher, core.RoleFollowUp}},
	{common.FollowUpScreen, "Follow-up", "Calls", "follow-up call queue", func(c *common.Common) common.Screen { return followup.New(c) }, []core.Role{core.RoleAdmin, core.RoleFollowUp}},
	{common.UsersScreen, "Users", "Users", "users and their roles", func(c *common.Common) common.Screen { return users.New(c) }, sectionAdmins},
	{common.PeopleScreen, "People", "People", "accounts, contacts, providers, engineers, terminal users", func(c *common.Common) common.Screen { return people.New(c) }, sectionDesk},
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

// allows reports whether the actor may see section s.
func (s section) allows(a core.Actor) bool {
	if s.roles == nil {
		return true
	}
	return a.Kind == core.SubmitterInternal && slices.ContainsFunc(s.roles, func(r core.Role) bool { return a.User.Has(r) })
}

// visibleSections are the indexes into sections that a may see, in tab order.
func visibleSections(a core.Actor) []int {
	var out []int
	for i, s := range sections {
		if s.allows(a) {
			out = append(out, i)
		}
	}
	return out
}
