package main

import (
	"errors"
	"path/filepath"
)

// Where Switchboard keeps its data when --db and SWITCHBOARD_DB are not given:
// $XDG_DATA_HOME/switchboard, or ~/.local/share/switchboard without XDG_DATA_HOME.
const (
	appDirName    = "switchboard"
	defaultDBName = "switchboard.db"
	demoDBName    = "demo.db"
	logFileName   = "switchboard.log"
)

// dataDir is the directory for the default database, the demo database and the log.
// getenv is the environment to read (the client's, inside the server).
func dataDir(getenv func(string) string) (string, error) {
	if x := getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, appDirName), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("cannot find your home directory to keep the database in: set XDG_DATA_HOME or give --db PATH")
	}
	return filepath.Join(home, ".local", "share", appDirName), nil
}

// defaultDBPath is the database used when none is named.
func defaultDBPath(getenv func(string) string) (string, error) {
	dir, err := dataDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, defaultDBName), nil
}

// demoDBPath is where `switchboard demo` goes when the default database has data.
func demoDBPath(getenv func(string) string) (string, error) {
	dir, err := dataDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, demoDBName), nil
}

// logPath is the log file next to the database at db.
func logPath(db string) string { return filepath.Join(filepath.Dir(db), logFileName) }
