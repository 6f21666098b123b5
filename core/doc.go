// Package core is Switchboard's domain: people and roles, work orders with their
// append-only history, the decision functions that are table-tested (external-owner
// resolution, validation), the storage port that backends implement, and Service,
// the application service that the CLI, the console and the web listener all call.
//
// core imports no UI, no bbolt and no net/http (see ../shared/DESIGN.md).
package core
