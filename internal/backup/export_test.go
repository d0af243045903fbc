package backup

// SetMaxLineBytes sets the longest line Import accepts and returns the function that restores
// it.
func SetMaxLineBytes(n int) (restore func()) {
	old := maxLineBytes
	maxLineBytes = n
	return func() { maxLineBytes = old }
}
