package sqlite

// SetEstimateCap changes the count beyond which a predicate is broad, so a
// test can force every plan; the returned function restores it.
func SetEstimateCap(n int) (restore func()) {
	old := estimateCap
	estimateCap = n
	return func() { estimateCap = old }
}
