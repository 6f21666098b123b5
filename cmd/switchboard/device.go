package main

import (
	"fmt"
	"strings"

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
			base, err := a.openLinkBase(pub)
			if err != nil {
				return err
			}
			d, tok, err := a.svc.DeviceLink(args[0])
			if err != nil {
				return err
			}
			link := core.LinkURL(base, core.DevicePathPrefix, tok)
			return a.showQR(link, pngPath, scale, fmt.Sprintf("%s: QR sticker for %s", d.Code, dash(d.Model)))
		}),
	}
	qf := qr.Flags()
	qf.StringVar(&pngPath, "png", "", "write the QR code to this PNG `FILE` instead of the terminal")
	qf.IntVar(&scale, "scale", 8, "pixels per QR module in the PNG")
	qf.StringVar(&pub, "public-url", "", "build the link on this `URL` instead of the saved public URL")

	var codes []string
	var cols int
	var sheetPub string
	sheet := &cobra.Command{
		Use:   "sheet FILE.pdf|FILE.png [--codes A,B,…] [--cols N]",
		Short: "Write printable A4 sheets of QR stickers, one per device, labelled with its code",
		Long: `Write A4 pages (300 dpi) with a QR sticker for every registered device (or the
devices named with --codes), in a grid, each labelled with the device code and
as large as its cell allows; print at 100 %, cut along the dashed lines and
stick each on its device. FILE.pdf is one PDF; FILE.png is one PNG a page
(FILE.png, FILE-2.png, …). The same device always gets the same link.`,
		Example: `  switchboard device sheet stickers.pdf --cols 4
  switchboard device sheet east.png --codes FRZ-0042,AC-7 --public-url https://service.example.com`,
		Args: exactArgs("FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			base, err := a.openLinkBase(sheetPub)
			if err != nil {
				return err
			}
			if len(codes) == 0 {
				ds, err := a.svc.Devices()
				if err != nil {
					return err
				}
				for _, d := range ds {
					codes = append(codes, d.Code)
				}
				if len(codes) == 0 {
					return core.Invalid("codes", "There are no devices yet: register them with `switchboard device add --code CODE`.")
				}
			}
			var st []qrcode.Sticker
			for _, c := range codes {
				d, tok, err := a.svc.DeviceLink(c)
				if err != nil {
					return err
				}
				st = append(st, qrcode.Sticker{Link: core.LinkURL(base, core.DevicePathPrefix, tok), Label: d.Code})
			}
			files, err := qrcode.SheetFiles(args[0], st, cols)
			if err != nil {
				return core.Invalid("cols", "%s", err.Error())
			}
			var names []string
			for _, f := range files {
				if err := a.writeFile(f.Name, f.Data, 0o644); err != nil {
					return fmt.Errorf("cannot write %s: %w", f.Name, err)
				}
				names = append(names, f.Name)
			}
			fmt.Fprintf(a.stdout, "%d stickers on A4 at %d dpi written to %s\n", len(st), qrcode.DPI, strings.Join(names, ", "))
			return nil
		}),
	}
	sf := sheet.Flags()
	sf.StringSliceVar(&codes, "codes", nil, "only these device `CODES` (comma-separated); default every device")
	sf.IntVar(&cols, "cols", 3, "stickers per row (more: smaller codes)")
	sf.StringVar(&sheetPub, "public-url", "", "build the links on this `URL` instead of the saved public URL")

	return group("device", "Devices and their QR stickers (R-IN-4); the general entry code", add, list, deviceEditCmd(a), qr, sheet, deviceEntryCmd(a))
}

// deviceEntryCmd prints the general entry code: a QR code tied to no device
// that opens the self-submission form — for counters, brochures, invoices.
func deviceEntryCmd(a *app) *cobra.Command {
	var pngPath, pub string
	var scale int
	var guest bool
	cmd := &cobra.Command{
		Use:   "entry [--guest] [--png FILE] [--public-url URL]",
		Short: "The general entry QR code: opens the customer form (or, --guest, the guest form)",
		Long: `Print the general entry code — a QR code tied to no device — and its link, or
write it as a printable PNG with --png. Scanned, it opens the customer form,
where customers confirm their phone with an SMS code (R-IN-8); --guest opens
the anonymous guest form instead. Put it on a counter, a brochure, an invoice.`,
		Example: `  switchboard device entry --png entry.png
  switchboard device entry --guest --public-url https://service.example.com`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			base, err := a.openLinkBase(pub)
			if err != nil {
				return err
			}
			return a.showQR(core.EntryLink(base, guest), pngPath, scale, "the entry code")
		}),
	}
	f := cmd.Flags()
	f.BoolVar(&guest, "guest", false, "open the anonymous guest form instead of the customer form")
	f.StringVar(&pngPath, "png", "", "write the QR code to this PNG `FILE` instead of the terminal")
	f.IntVar(&scale, "scale", 12, "pixels per QR module in the PNG")
	f.StringVar(&pub, "public-url", "", "build the link on this `URL` instead of the saved public URL")
	return cmd
}

// showQR prints link's QR code and the link, or writes the code as a PNG
// (pngPath) and says what was written where.
func (a *app) showQR(link, pngPath string, scale int, what string) error {
	if pngPath == "" {
		fmt.Fprint(a.stdout, qrcode.Terminal(link))
		_, err := fmt.Fprintln(a.stdout, link)
		return err
	}
	b, err := qrcode.PNG(link, scale)
	if err != nil {
		return err
	}
	if err := a.writeFile(pngPath, b, 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", pngPath, err)
	}
	_, err = fmt.Fprintf(a.stdout, "%s\n%s written to %s\n", link, what, pngPath)
	return err
}
