package main

import (
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"switchboard/tui"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// execute runs the command line args and returns the exit status.
func execute(args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr, args: args}
	root := newRoot(a)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	if err != nil && a.log != nil {
		a.log.Error("command failed", "args", args, "err", err)
	}
	a.close()
	return report(stderr, cmd, err)
}

func newRoot(a *app) *cobra.Command {
	var web webFlags
	root := &cobra.Command{
		Use:   "switchboard",
		Short: "Field-service work orders: dispatch, engineers, customers",
		Long: `Switchboard is a keyboard-driven console for field-service work orders.
Without a command it opens the console on the database; every console action
also has a command below, for scripts (read commands take --json).`,
		Example: `  switchboard demo                     # a demo company, then the console
  switchboard wo create --subject "Freezer not cooling" --priority high
  switchboard wo list --status new --json | jq '.[].number'`,
		Version:       versionString(),
		Args:          noArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			defer a.startOutbox()()
			defer a.startMailPoller()()
			return a.console(web)
		}),
	}
	addWebFlags(root, &web)
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usagef("%s", usageText(cmd, err)) })
	pf := root.PersistentFlags()
	pf.StringVar(&a.dbFlag, "db", "", "database `PATH` (env SWITCHBOARD_DB; default $XDG_DATA_HOME/switchboard/switchboard.db)")
	pf.StringVar(&a.asFlag, "as", "", "act as the user with this `LOGIN` (env SWITCHBOARD_USER; default admin)")
	a.root = root
	root.AddCommand(
		demoCmd(a),
		woCmd(a),
		contactCmd(a),
		terminalUserCmd(a),
		userCmd(a),
		providerCmd(a),
		engineerCmd(a),
		ruleCmd(a),
		dispatchCmd(a),
		importCmd(a),
		exportCmd(a),
		backupCmd(a),
		serveCmd(a),
		deviceCmd(a),
		inviteCmd(a),
		notifyCmd(a),
		smsCmd(a),
		processCmd(a),
		timersCmd(a),
		reportCmd(a),
		mailCmd(a),
		apikeyCmd(a),
		evaluationCmd(a),
		followUpCmd(a),
	)
	return root
}

// console opens the console with the web listener running in the same process.
func (a *app) console(web webFlags) error {
	url, problem, stop := a.consoleWeb(web)
	defer stop()
	return tui.Run(a.svc, a.actor, tui.Options{DBPath: a.dbPath, WebURL: url, WebProblem: problem})
}
