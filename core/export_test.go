package core

// SetDispatchBatch sets how many work orders one dispatch transaction
// handles, for a test; the function it returns puts it back.
func SetDispatchBatch(n int) (restore func()) {
	old := dispatchBatch
	dispatchBatch = n
	return func() { dispatchBatch = old }
}
