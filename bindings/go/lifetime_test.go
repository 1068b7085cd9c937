package wxface_test

import (
	"runtime"
	"testing"
	"time"

	wxface "github.com/wxface/wxface/bindings/go"
)

// A client that is never closed is freed by its finalizer, which also
// releases the handle that kept its Logger reachable: the logger (and a
// marker only it refers to) becomes garbage.
func TestForgottenClientIsFreedWithItsCallbacks(t *testing.T) {
	released := make(chan struct{})
	func() {
		marker := new([64]byte)
		runtime.SetFinalizer(marker, func(*[64]byte) { close(released) })
		cfg := sandboxConfig()
		cfg.Logger = func(wxface.Level, string) { _ = marker[0] }
		if _, err := wxface.NewClient(cfg); err != nil {
			t.Fatal(err)
		}
	}()
	for i := 0; i < 100; i++ {
		runtime.GC()
		select {
		case <-released:
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("the forgotten client's logger was never released")
}

// Closing releases the callbacks at once, without waiting for a finalizer.
func TestCloseReleasesCallbacks(t *testing.T) {
	released := make(chan struct{})
	client := func() *wxface.Client {
		marker := new([64]byte)
		runtime.SetFinalizer(marker, func(*[64]byte) { close(released) })
		cfg := sandboxConfig()
		cfg.TokenProvider = func(string) (string, time.Duration, error) { _ = marker[0]; return "t", 0, nil }
		c, err := wxface.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}()
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		runtime.GC()
		select {
		case <-released:
			runtime.KeepAlive(client)
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("the closed client's token provider was never released")
}
