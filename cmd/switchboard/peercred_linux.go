package main

import (
	"net"

	"golang.org/x/sys/unix"
)

// peerCred is the process at the other end of a unix socket, as the kernel saw it
// when it connected (SO_PEERCRED): it cannot be forged by the client.
type peerCred struct {
	PID, UID, GID int
}

// peerOf reads the peer's credentials from the connection.
func peerOf(c *net.UnixConn) (peerCred, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return peerCred{}, err
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return peerCred{}, err
	}
	if cerr != nil {
		return peerCred{}, cerr
	}
	return peerCred{PID: int(cred.Pid), UID: int(cred.Uid), GID: int(cred.Gid)}, nil
}
