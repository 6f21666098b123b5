package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"switchboard/core"
)

// location is the time zone of the person running the command: their TZ
// (sent along by the client inside the server), else this process's.
func (a *app) location() *time.Location {
	if tz := a.getenv("TZ"); tz != "" {
		if loc, err := time.LoadLocation(strings.TrimPrefix(tz, ":")); err == nil {
			return loc
		}
	}
	return time.Local
}

// woEditFields are the flags of `wo edit`, in the order help lists them.
var woEditFields = []string{"subject", "description", "type", "priority", "contact", "phone", "email", "region", "address", "device", "due"}

func woEditCmd(a *app) *cobra.Command {
	var subject, description, typ, priority, contact, phone, email, region, address, device, due string
	var version uint64
	cmd := &cobra.Command{
		Use:   "edit NUMBER [--subject S] [--description D] [--type T] [--priority P] [--contact ID] [--phone P] [--email E] [--region R] [--address A] [--device CODE] [--due TIME] [--version V]",
		Short: "Change a work order's fields (R-WO-5); prints it as JSON",
		Long: `Change the fields given and nothing else; each change goes into the history.
--contact 0 takes the contact off (its account goes with it); a new contact,
phone or email finds the external owner again (R-WO-4). --due "" removes the due
time; times are read in your time zone (2026-12-05 17:00, or 17:00 for today).
With --version, the change is refused if somebody changed the work order since
you read that version, and the error says who changed what.`,
		Example: `  switchboard wo edit WO-000042 --priority urgent --due "2026-12-05 17:00"
  switchboard wo edit WO-000042 --subject "Freezer at -5 °C" --version 7`,
		Args: exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := needPatch(cmd, woEditFields...); err != nil {
				return err
			}
			p := core.WorkOrderPatch{
				Subject: changed(cmd, "subject", &subject), Description: changed(cmd, "description", &description),
				RecordType: changed(cmd, "type", &typ), Phone: changed(cmd, "phone", &phone), Email: changed(cmd, "email", &email),
				Region: changed(cmd, "region", &region), Address: changed(cmd, "address", &address), DeviceCode: changed(cmd, "device", &device),
			}
			if cmd.Flags().Changed("priority") {
				pr := core.Priority(priority)
				p.Priority = &pr
			}
			if cmd.Flags().Changed("contact") {
				id := core.ID(0)
				if strings.TrimSpace(contact) != "0" && strings.TrimSpace(contact) != "" {
					var err error
					if id, err = core.ParseID("contact", contact); err != nil {
						return err
					}
				}
				p.ContactID = &id
			}
			if cmd.Flags().Changed("due") {
				if strings.TrimSpace(due) == "" {
					p.ClearDue = true
				} else {
					t, err := core.ParseReportTime("due", due, time.Now(), a.location())
					if err != nil {
						return err
					}
					p.DueAt = &t
				}
			}
			if err := a.open(); err != nil {
				return err
			}
			w, err := a.svc.UpdateWorkOrder(a.actor, args[0], version, p)
			if err != nil {
				return err
			}
			a.log.Info("work order edited", "number", w.Number, "version", w.Version, "by", a.actor.Label())
			return writeJSON(a.stdout, w)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&subject, "subject", "", "new subject")
	f.StringVar(&description, "description", "", "new description")
	f.StringVar(&typ, "type", "", "record `TYPE`: "+strings.Join(core.DefaultRecordTypes, ", "))
	f.StringVar(&priority, "priority", "", "`PRIORITY`: low, normal, high or urgent")
	f.StringVar(&contact, "contact", "", "contact `ID` (0: none)")
	f.StringVar(&phone, "phone", "", "phone")
	f.StringVar(&email, "email", "", "email")
	f.StringVar(&region, "region", "", "region")
	f.StringVar(&address, "address", "", "site address")
	f.StringVar(&device, "device", "", "device (asset) `CODE`")
	f.StringVar(&due, "due", "", "due `TIME` (\"\" removes it)")
	f.Uint64Var(&version, "version", 0, "the version `V` you read; refuse if it changed since")
	return cmd
}
