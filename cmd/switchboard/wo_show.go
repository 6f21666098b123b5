package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"switchboard/core"
)

func woShowCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show NUMBER [--json]",
		Short: "Show one work order with its history",
		Long: `Show one work order: its fields grouped for reading, then its history, oldest
first, and the files kept with it (email attachments). With --json, every field
under the SPEC's keys, history included as [{at, by, channel, kind, detail}],
plus attachments. NUMBER is WO-000123 or just 123.`,
		Example: `  switchboard wo show 42
  switchboard wo show WO-000042 --json | jq '.history[] | .detail'`,
		Args: exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if _, err := core.ParseNumber(args[0]); err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			w, err := a.svc.WorkOrder(args[0])
			if err != nil {
				return err
			}
			atts, err := a.svc.Attachments(w.Number)
			if err != nil {
				return err
			}
			if asJSON {
				w.History = nonNil(w.History)
				return writeJSON(a.stdout, struct {
					core.WorkOrder
					Attachments []core.Attachment `json:"attachments"`
				}{w, nonNil(atts)})
			}
			if err := writeWorkOrder(a.stdout, w); err != nil {
				return err
			}
			return writeAttachments(a.stdout, w.Number, atts)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the work order as JSON")
	return cmd
}

// writeWorkOrder prints w for a person: header, grouped fields, history.
func writeWorkOrder(out io.Writer, w core.WorkOrder) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", w.Number, cell(w.Subject))
	fmt.Fprintf(&b, "%s at %s · %s · %s priority · %s\n", w.Status, w.Node, w.RecordType, w.Priority, w.Channel)

	section := func(title string, fields ...[2]string) {
		var lines []string
		for _, f := range fields {
			if strings.TrimSpace(f[1]) != "" {
				lines = append(lines, fmt.Sprintf("  %-10s %s", f[0], cell(f[1])))
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(&b, "\n%s\n%s\n", title, strings.Join(lines, "\n"))
		}
	}
	section("Customer",
		[2]string{"Account", named(w.AccountName, w.AccountID)},
		[2]string{"Contact", named(w.ContactName, w.ContactID)},
		[2]string{"Phone", core.PhoneWithCheck(w)},
		[2]string{"Email", w.Email},
		[2]string{"Region", w.Region},
		[2]string{"Address", w.Address},
		[2]string{"Device", w.DeviceCode},
		[2]string{"Owner", owner(w)},
	)
	if len(w.Objects) > 0 {
		var fs [][2]string
		for _, o := range w.Objects {
			for _, v := range o.Values {
				fs = append(fs, [2]string{o.Label + " · " + v.Label, v.Value})
			}
		}
		section("Created by the customer", fs...)
	}
	section("Dispatch", dispatchFields(w)...)
	section("Dates",
		[2]string{"Created", when(w.CreatedAt) + " by " + w.CreatedBy},
		[2]string{"Updated", when(w.UpdatedAt)},
		[2]string{"Due", whenp(w.DueAt)},
		[2]string{"Version", fmt.Sprint(w.Version)},
	)
	if d := strings.TrimSpace(w.Description); d != "" {
		fmt.Fprintf(&b, "\nDescription\n  %s\n", strings.ReplaceAll(d, "\n", "\n  "))
	}
	if _, err := io.WriteString(out, b.String()); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nHistory (%d)\n", len(w.History))
	t := &table{head: []string{"  AT", "BY", "CHANNEL", "KIND", "DETAIL"}}
	for _, e := range w.History {
		t.add("  "+when(e.At), e.By, string(e.Channel), e.Kind, e.Detail)
	}
	return t.write(out)
}

func dispatchFields(w core.WorkOrder) [][2]string {
	if w.FieldOutDealUser == 0 && w.AssignTime == nil {
		return [][2]string{{"Waiting", "not assigned yet"}}
	}
	how := w.AssignWay
	switch {
	case w.AssignWay == core.AssignManual && w.AssignUser != "":
		how = "manually by " + w.AssignUser
	case w.AssignWay == core.AssignAuto:
		how = "automatically"
	}
	provider := w.FieldDownstreamOuterTenantName
	if w.FieldDownstreamOuterTenantID != "" {
		provider += " (tenant " + w.FieldDownstreamOuterTenantID + ")"
	}
	return [][2]string{
		{"Engineer", named(w.EngineerName, w.FieldOutDealUser)},
		{"Provider", provider},
		{"Assigned", strings.TrimSpace(whenp(w.AssignTime) + ", " + how)},
	}
}

// named is "name (id N)", or whichever of the two is known.
func named(name string, id core.ID) string {
	switch {
	case id == 0:
		return name
	case name == "":
		return fmt.Sprintf("id %d", id)
	}
	return fmt.Sprintf("%s (id %d)", name, id)
}

func owner(w core.WorkOrder) string {
	who := "none"
	if w.OutOwner != 0 {
		who = fmt.Sprintf("terminal user %d", w.OutOwner)
	}
	if w.OutOwnerRule == "" {
		return who
	}
	return who + " — " + w.OutOwnerRule
}

// writeAttachments lists the files kept with a work order.
func writeAttachments(out io.Writer, number string, atts []core.Attachment) error {
	if len(atts) == 0 {
		return nil
	}
	fmt.Fprintf(out, "\nAttachments (%d; save one with `switchboard wo attachment %s ID --out FILE`)\n", len(atts), number)
	t := &table{head: []string{"  ID", "NAME", "TYPE", "SIZE", "FROM"}}
	for _, x := range atts {
		t.add(fmt.Sprintf("  %d", x.ID), x.Filename, x.ContentType, core.HumanBytes(x.Size), x.Source)
	}
	return t.write(out)
}

func woAttachmentCmd(a *app) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "attachment NUMBER ID [--out FILE]",
		Short: "Save a file kept with a work order (an email attachment)",
		Long: `Write attachment ID of work order NUMBER to FILE (or to stdout). The
attachments and their ids are listed by ` + "`switchboard wo show NUMBER`" + `.`,
		Example: `  switchboard wo attachment WO-000123 4 --out quote.pdf`,
		Args:    exactArgs("NUMBER", "ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if _, err := core.ParseNumber(args[0]); err != nil {
				return err
			}
			id, err := core.ParseID("attachment", args[1])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			att, data, err := a.svc.AttachmentData(args[0], id)
			if err != nil {
				return err
			}
			if out == "" {
				_, err := a.stdout.Write(data)
				return err
			}
			if err := a.writeFile(out, data, 0o600); err != nil {
				return core.Invalid("out", "Cannot write %s: %v.", out, err)
			}
			fmt.Fprintf(a.stderr, "Saved %s (%s, %s) to %s.\n", att.Filename, att.ContentType, core.HumanBytes(att.Size), out)
			return nil
		}),
	}
	cmd.Flags().StringVar(&out, "out", "", "write to `FILE` instead of stdout")
	return cmd
}
