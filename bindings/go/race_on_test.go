//go:build race

package wxface_test

// raceEnabled: under the race detector sync.Pool drops entries at random,
// so allocation counts are not those of a normal build.
const raceEnabled = true
