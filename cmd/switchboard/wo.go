package main

import (
	"github.com/spf13/cobra"

	"switchboard/core"
)

func woCmd(a *app) *cobra.Command {
	return group("wo", "Work orders: create, list, show, edit, advance, terminate, task, attachments", woCreateCmd(a), woListCmd(a), woShowCmd(a), woEditCmd(a), woAdvanceCmd(a), woTerminateCmd(a), woTaskCmd(a), woAttachmentCmd(a))
}

func woCreateCmd(a *app) *cobra.Command {
	var in core.NewWorkOrder
	var priority, channel, contact string
	cmd := &cobra.Command{
		Use:   "create --subject S [flags]",
		Short: "Create a work order and print it as JSON",
		Long: `Create a work order at the dispatch node and print it as JSON.

The external owner (out_owner) is resolved from the contact, phone or email as the
manual's rule R-WO-4 says; out_owner_rule tells which case applied.`,
		Example: `  switchboard wo create --subject "Walk-in freezer not cooling" --contact 12 --priority high
  switchboard wo create --subject "空调不制冷" --phone "138 0013 8000" --channel call-center`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			in.Priority = core.Priority(priority)
			in.Channel = core.Channel(channel)
			if cmd.Flags().Changed("contact") {
				id, err := core.ParseID("contact", contact)
				if err != nil {
					return err
				}
				in.ContactID = id
			}
			if in.Channel != core.ChannelInternal && in.Channel != core.ChannelCallCenter {
				return core.Invalid("channel", "Channel %q cannot be used here: use internal (created in the office) or call-center (on behalf of a caller).", channel)
			}
			if err := a.open(); err != nil {
				return err
			}
			w, err := a.svc.CreateWorkOrder(a.actor, in)
			if err != nil {
				return err
			}
			a.log.Info("work order created", "number", w.Number, "by", a.actor.Label())
			return writeJSON(a.stdout, w)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&in.Subject, "subject", "", "one line of `TEXT` saying what is wrong (required)")
	f.StringVar(&in.Description, "description", "", "more `TEXT`: what was reported, where, since when")
	f.StringVar(&in.RecordType, "type", "", "record `TYPE`: Repair, Installation, Maintenance or Inspection (default Repair)")
	f.StringVar(&priority, "priority", "", "`PRIORITY`: low, normal, high or urgent (default normal)")
	f.StringVar(&contact, "contact", "", "contact `ID` (from `contact add` or `contact lookup`)")
	f.StringVar(&in.Phone, "phone", "", "caller's `PHONE`")
	f.StringVar(&in.Email, "email", "", "caller's `EMAIL`")
	f.StringVar(&in.Region, "region", "", "`REGION`, e.g. East (default: the account's)")
	f.StringVar(&in.Address, "address", "", "site `ADDRESS` (default: the account's)")
	f.StringVar(&in.DeviceCode, "device", "", "device (asset) `CODE`")
	f.StringVar(&channel, "channel", string(core.ChannelInternal), "acceptance `CHANNEL`: internal or call-center")
	_ = cmd.MarkFlagRequired("subject")
	return cmd
}
