package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"switchboard/core"
)

func backupCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the live database to FILE",
		Long: `Write a consistent copy of the database to FILE while it stays in use. The copy
is written to FILE.tmp and renamed when complete, so FILE is never half-written.
Open the copy with --db FILE.`,
		Args: exactArgs("FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			target, err := a.abs(args[0])
			if err != nil {
				return err
			}
			db, named, err := a.resolveDB()
			if err != nil {
				return err
			}
			if err := a.mustExist(db, named); err != nil {
				return err
			}
			if sameFile(target, db) {
				return core.Invalid("file", "%s is the live database: give the backup another file name.", args[0])
			}
			if fi, err := os.Stat(target); err == nil && fi.IsDir() {
				return core.Invalid("file", "%s is a directory: give a file name for the backup, e.g. %s.", args[0], filepath.Join(args[0], "switchboard-backup.db"))
			}
			if err := a.openAt(db); err != nil {
				return err
			}
			n, err := writeBackup(a.svc, target)
			if err != nil {
				return err
			}
			count, err := a.svc.CountWorkOrders()
			if err != nil {
				return err
			}
			a.log.Info("backup written", "file", target, "bytes", n, "work_orders", count)
			if asJSON {
				return writeJSON(a.stdout, map[string]any{"file": target, "bytes": n, "work_orders": count})
			}
			_, err = fmt.Fprintf(a.stdout, "Backed up %s (%s work orders, %.1f MB) to %s\n", displayDB(a.dbPath), thousands(count), float64(n)/1e6, target)
			return err
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"file", "bytes", "work_orders"} as JSON`)
	return cmd
}

// writeBackup copies the live database to path through path.tmp.
func writeBackup(svc *core.Service, path string) (int64, error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("cannot write the backup: %w", err)
	}
	n, err := svc.Backup(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return 0, fmt.Errorf("cannot write the backup %s: %w", path, err)
	}
	return n, nil
}

// sameFile reports whether a and b name the same file (by path, or by inode when
// both exist).
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
