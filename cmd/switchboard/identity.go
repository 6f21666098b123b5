package main

import (
	"os"
	"os/user"
	"strconv"
	"syscall"

	"switchboard/core"
)

// osIdentity is the OS user uid as core.Identify wants it: the name, and whether
// that user owns the database file at db (root counts as an owner: it can open
// any file anyway, and an admin's `sudo switchboard … backup` should just work).
func osIdentity(uid int, db string) core.OSIdentity {
	id := core.OSIdentity{UID: uid, Name: osUserName(uid)}
	if fi, err := os.Stat(db); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			id.OwnsDB = int(st.Uid) == uid || uid == 0
		}
	}
	return id
}

// osUserName is the login name of uid, or its number when the system has no name
// for it.
func osUserName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil && u.Username != "" {
		return u.Username
	}
	return strconv.Itoa(uid)
}
