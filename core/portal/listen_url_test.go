package portal

import (
	"net"
	"os"
	"testing"
)

// TestListenURL (R-APP-2): links name the address the listener took; a
// wildcard address is named by the host name, never as ":8080" or "0.0.0.0".
func TestListenURL(t *testing.T) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "127.0.0.1"
	}
	cases := map[string]string{
		"127.0.0.1:4321": "http://127.0.0.1:4321",
		"[::1]:4321":     "http://[::1]:4321",
		"0.0.0.0:8080":   "http://" + net.JoinHostPort(host, "8080"),
		"[::]:8080":      "http://" + net.JoinHostPort(host, "8080"),
	}
	for in, want := range cases {
		a, err := net.ResolveTCPAddr("tcp", in)
		if err != nil {
			t.Fatal(err)
		}
		if got := listenURL(a); got != want {
			t.Errorf("listenURL(%s) = %q, want %q", in, got, want)
		}
	}
}
