package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"switchboard/core"
	"switchboard/core/qrcode"
)

func deviceCmd(a *app) *cobra.Command {
	var in core.NewDevice
	add := &cobra.Command{
		Use:   "add --code CODE [--model M] [--account NAME] [--location L]",
		Short: "Register a device whose QR sticker opens the repair form with it prefilled; prints JSON",
		Example: `  switchboard device add --code FRZ-0042 --model "Haier SC-240" --account "上海浦东仓储" --location "3号冷库"
  switchboard device qr FRZ-0042 --png frz-0042.png`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			d, err := a.svc.AddDevice(a.actor, in)
			if err != nil {
				return err
			}
			a.log.Info("device added", "code", d.Code, "by", a.actor.Label())
			return writeJSON(a.stdout, d)
		}),
	}
	f := add.Flags()
	f.StringVar(&in.Code, "code", "", "device code printed on the sticker, e.g. FRZ-0042 (required)")
	f.StringVar(&in.Model, "model", "", "device model")
	f.StringVar(&in.AccountName, "account", "", "the customer account that owns it (must exist)")
	f.StringVar(&in.Location, "location", "", "where it stands; prefills the address")
	_ = add.MarkFlagRequired("code")

	var asJSON bool
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "List registered devices",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			ds, err := a.svc.Devices()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(ds))
			}
			t := &table{head: []string{"CODE", "MODEL", "ACCOUNT", "LOCATION"}}
			for _, d := range ds {
				t.add(d.Code, dash(d.Model), dash(d.AccountName), dash(d.Location))
			}
			return t.write(a.stdout)
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var pngPath, pub string
	var scale int
	qr := &cobra.Command{
		Use:   "qr CODE [--png FILE]",
		Short: "Show a device's sticker link and its QR code, or write the QR code as a PNG",
		Long: `Print the device's link and its QR code in the terminal, or with --png write a
printable PNG sticker. The same device always gets the same link, so a sticker can
be printed again.`,
		Args: exactArgs("CODE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			base, err := a.linkBase(pub)
			if err != nil {
				return err
			}
			d, tok, err := a.svc.DeviceLink(args[0])
			if err != nil {
				return err
			}
			link := core.LinkURL(base, core.DevicePathPrefix, tok)
			if pngPath != "" {
				b, err := qrcode.PNG(link, scale)
				if err != nil {
					return err
				}
				if err := os.WriteFile(pngPath, b, 0o644); err != nil {
					return fmt.Errorf("cannot write %s: %w", pngPath, err)
				}
				fmt.Fprintf(a.stdout, "%s\n%s: QR sticker for %s written to %s\n", link, d.Code, dash(d.Model), pngPath)
				return nil
			}
			fmt.Fprint(a.stdout, qrcode.Terminal(link))
			fmt.Fprintln(a.stdout, link)
			return nil
		}),
	}
	qf := qr.Flags()
	qf.StringVar(&pngPath, "png", "", "write the QR code to this PNG `FILE` instead of the terminal")
	qf.IntVar(&scale, "scale", 8, "pixels per QR module in the PNG")
	qf.StringVar(&pub, "public-url", "", "build the link on this `URL` instead of the saved public URL")

	return group("device", "Devices and their QR stickers (R-IN-4)", add, list, qr)
}
