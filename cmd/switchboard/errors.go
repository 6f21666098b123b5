package main

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"switchboard/core"
)

// usageError is a mistake in how a command was called (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// runError is a command that was called correctly but failed: bad input, not
// found, forbidden, conflict, a locked database (exit status 1).
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// runE adapts a command body to cobra, marking its failures as runtime errors so
// that everything else cobra reports (flags, arguments, unknown commands) counts
// as a usage error.
func runE(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := fn(cmd, args)
		var ue *usageError
		if err == nil || errors.As(err, &ue) {
			return err
		}
		return &runError{err}
	}
}

// report prints err as one line on stderr (plus a pointer to help for usage errors)
// and returns the exit status.
func report(stderr io.Writer, cmd *cobra.Command, err error) int {
	if err == nil {
		return 0
	}
	var st exitStatus
	if errors.As(err, &st) {
		return int(st)
	}
	var re *runError
	if errors.As(err, &re) {
		fmt.Fprintln(stderr, "switchboard: "+oneLine(err.Error()))
		var coded interface{ ExitCode() int }
		if errors.As(err, &coded) {
			return coded.ExitCode()
		}
		return 1
	}
	path := "switchboard"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	fmt.Fprintf(stderr, "switchboard: %s\nsee '%s --help'\n", oneLine(usageText(cmd, err)), path)
	return 2
}

var requiredFlags = regexp.MustCompile(`^required flag\(s\) (.*) not set$`)

// usageText rewords cobra's and pflag's messages as sentences about the command.
func usageText(cmd *cobra.Command, err error) string {
	name := commandName(cmd)
	if m := requiredFlags.FindStringSubmatch(err.Error()); m != nil {
		var flags []string
		for _, f := range strings.Split(m[1], ", ") {
			flags = append(flags, "--"+strings.Trim(f, `"`))
		}
		return fmt.Sprintf("%s needs %s.", name, strings.Join(flags, " and "))
	}
	var bad *pflag.InvalidValueError
	if errors.As(err, &bad) {
		kind := "a different value"
		switch bad.GetFlag().Value.Type() {
		case "int", "int64", "uint", "uint64":
			kind = "a whole number"
		case "bool":
			kind = "true or false"
		}
		return fmt.Sprintf("--%s wants %s, not %q.", bad.GetFlag().Name, kind, bad.GetValue())
	}
	return err.Error()
}

// commandName is the command as a user typed it, without the program name.
func commandName(cmd *cobra.Command) string {
	if cmd == nil || !cmd.HasParent() {
		return "switchboard"
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// oneLine folds a message onto a single line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// exactArgs wants exactly the named positional arguments.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == len(names) {
			return nil
		}
		want := strings.Join(names, " ")
		if len(args) < len(names) {
			return usagef("%s needs %s.", commandName(cmd), want)
		}
		return usagef("%s takes only %s, but got %q.", commandName(cmd), want, strings.Join(args, " "))
	}
}

// noArgs refuses positional arguments, naming the first stray one.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		return usagef("%q is not a command of %s.", args[0], commandName(cmd))
	}
	return usagef("%s takes no arguments, but got %q.", commandName(cmd), strings.Join(args, " "))
}

// group is a command that only holds subcommands; alone it is a usage error.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			names := make([]string, 0, len(cmd.Commands()))
			for _, s := range cmd.Commands() {
				if s.IsAvailableCommand() {
					names = append(names, s.Name())
				}
			}
			return usagef("%s needs a subcommand: %s.", commandName(cmd), strings.Join(names, ", "))
		},
	}
	c.AddCommand(subs...)
	return c
}

// forbiddenError is a command the acting user may not run (core.ErrForbidden).
type forbiddenError string

func (e forbiddenError) Error() string        { return string(e) }
func (e forbiddenError) Is(target error) bool { return target == core.ErrForbidden }

// exitStatus ends the program with a status whose message was already shown (a
// console client prints the server's words itself).
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
