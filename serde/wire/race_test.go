//go:build race

package wire

// raceEnabled reports a -race build, in which sync.Pool drops items at
// random, so pooled paths allocate.
const raceEnabled = true
