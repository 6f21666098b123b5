package main

import (
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
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

// execute runs the command line args and returns the exit status: on the server
// for the database when one runs (see forward), else in this process.
func execute(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if code, ok := forward(args, stdin, stdout, stderr); ok {
		return code
	}
	return run(newLocalApp(args, stdin, stdout, stderr))
}

// run runs a's command line, in this process or in the server for a client, and
// returns the exit status.
func run(a *app) int {
	args := a.args
	root := newRoot(a)
	root.SetArgs(args)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetIn(a.stdin)
	cmd, err := root.ExecuteC()
	if err != nil && a.log != nil {
		a.log.Error("command failed", "args", args, "err", err)
	}
	a.close()
	return report(a.stderr, cmd, err)
}

func newRoot(a *app) *cobra.Command {
	var web webFlags
	var cf consoleFlags
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
			return a.console("", web, cf)
		}),
	}
	addWebFlags(root, &web)
	addConsoleFlags(root, &cf)
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usagef("%s", usageText(cmd, err)) })
	pf := root.PersistentFlags()
	pf.StringVar(&a.dbFlag, "db", "", "database `PATH`, or postgres://… for PostgreSQL (env SWITCHBOARD_DB; default $XDG_DATA_HOME/switchboard/switchboard.db)")
	pf.StringVar(&a.asFlag, "as", "", "act as the user with this `LOGIN`, admins only (env SWITCHBOARD_USER; default: the user of your OS user, admin for the database's owner)")
	a.root = root
	root.AddCommand(
		demoCmd(a),
		initCmd(a),
		woCmd(a),
		contactCmd(a),
		accountCmd(a),
		terminalUserCmd(a),
		userCmd(a),
		providerCmd(a),
		engineerCmd(a),
		ruleCmd(a),
		dispatchCmd(a),
		importCmd(a),
		exportCmd(a),
		backupCmd(a),
		postgresCmd(a),
		migrateCmd(a),
		serveCmd(a),
		deviceCmd(a),
		inviteCmd(a),
		notifyCmd(a),
		embedCmd(a),
		roleCmd(a),
		objectCmd(a),
		smsCmd(a),
		processCmd(a),
		timersCmd(a),
		reportCmd(a),
		mailCmd(a),
		apikeyCmd(a),
		evaluationCmd(a),
		followUpCmd(a),
		serverCmd(a),
		viewCmd(a),
	)
	return root
}
