// Command switchboard is the field-service work-order console and its scriptable
// command line (SPEC §11). This file only wires the process to the command tree.
package main

import "os"

func main() {
	os.Exit(execute(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
